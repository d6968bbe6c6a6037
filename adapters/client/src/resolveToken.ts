import { ConduitError, ErrorCode, isChannelToken } from "@conduit/shared"
import type { TokenSource } from "./types.ts"

/** What one connect presents, and what a token object says about where to connect. */
export interface Credential {
  /** The bearer token; none in dev mode. */
  key: string | undefined
  /** The gateway a token object is for. */
  apiBaseUrl?: string
  /** The channel and topics a `getSubscriptionToken` object names. */
  channel?: string
  topics?: readonly string[]
}

/**
 * The credential of the next connect: the string, the token object, or what
 * the factory returns (called once per connect). A value of any other shape is
 * ERR_CONFIG: retrying cannot fix it.
 */
export async function resolveToken(source: TokenSource | undefined): Promise<Credential> {
  const value = typeof source === "function" ? await source() : source
  if (value === undefined || value === null || value === "") return { key: undefined }
  if (typeof value === "string") return { key: value }
  if (typeof value !== "object" || typeof value.key !== "string") {
    throw new ConduitError(ErrorCode.CONFIG, "a token must be a string or a token object { key, apiBaseUrl } (getClientSubscriptionToken)", {
      details: { received: value === null ? "null" : typeof value },
    })
  }
  const credential: Credential = { key: value.key }
  if (typeof value.apiBaseUrl === "string") credential.apiBaseUrl = value.apiBaseUrl
  if (isChannelToken(value)) {
    credential.channel = value.channel
    credential.topics = value.topics
  }
  return credential
}
