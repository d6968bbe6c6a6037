import type { ConnectTarget } from "./connectTarget.ts"
import { channelNameOf, subscribeUrl } from "./subscribeUrl.ts"

/** The request of one connect. */
export interface ConnectRequest {
  url: string
  headers: Record<string, string>
}

/**
 * The `GET /v1/subscribe` of one connect: the options' starting point (`from`)
 * only before anything was received; after that the resume point goes in
 * `Last-Event-ID`, as native EventSource sends it.
 */
export function connectRequest(target: ConnectTarget, token: string | undefined, lastId: string | null, from: string = "all"): ConnectRequest {
  const start = lastId ? "none" : from === "all" || from === "none" ? from : { after: from }
  const headers: Record<string, string> = {}
  if (token) headers.Authorization = `Bearer ${token}`
  if (lastId) headers["Last-Event-ID"] = lastId
  return { url: subscribeUrl(target.url, channelNameOf(target.channel), target.topics, start), headers }
}
