import { hash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto"
import {
  ConduitError,
  ErrorCode,
  RUN_TOPIC,
  type SubscriptionToken,
  type SubscriptionTokenClaims,
  TOKEN_ALGORITHM,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
} from "@conduit/shared"
import { errors as joseErrors, jwtVerify, SignJWT } from "jose"
import type { PresentedCredential } from "../http/credentials.ts"

export interface AuthOptions {
  signingKey?: string
  signingKeyFallback?: string
  dev: boolean
  tokenTtlSeconds: number
  /** Longest lifetime minted or accepted, seconds. */
  maxTokenTtlSeconds: number
  /** Called when a signing key arrived in a URL (and was refused): it may now sit in access logs. */
  onKeyInUrl?: () => void
}

export interface MintTokenInput {
  channel: string
  topics: string[]
  /** Seconds the token may be used to connect. */
  expiresIn?: number
  sub?: string
  /**
   * Grant `$run` lifecycle messages, which carry the run's `result` and
   * `error` (the client's `runStatus` comes from them): `$run` joins the
   * token's topics. `false` for a subscriber that must not see results.
   * @default true
   */
  runEvents?: boolean
}

/** What a subscribe request is allowed: which topics (null = all) and until when. */
export interface SubscribeGrant {
  topics: ReadonlySet<string> | null
  expiresAtMs?: number
}

// Clocks of the node that minted a token and the node that checks it may differ by this much.
const CLOCK_SKEW_SECONDS = 60

/** The wildcard topic grant: every topic of the channel. */
export const ALL_TOPICS = "*"

export type Auth = ReturnType<typeof createAuth>

/**
 * Signing keys and subscription tokens. Tokens are HS256 JWTs verified with
 * an explicit algorithm list (alg:none and key confusion rejected); the
 * signing key itself is also accepted wherever a token is, for backends, but
 * only in `Authorization`: never in a URL, which reaches logs and proxies.
 */
export function createAuth(options: AuthOptions) {
  const configured = [options.signingKey, options.signingKeyFallback].filter((k): k is string => !!k)
  // Dev mode without a key still mints real tokens, signed by a key that lives as long as the process.
  const keys = (configured.length > 0 ? configured : [randomBytes(32).toString("base64url")]).map((k) =>
    new TextEncoder().encode(k),
  )
  const digests = configured.map(digest)
  const primary = keys[0]!

  function isSigningKey(presented: string): boolean {
    const d = digest(presented)
    let match = false
    for (const k of digests) match = timingSafeEqual(d, k) || match
    return match
  }

  /** Publish, tokens and history: the signing key, unless dev mode has none configured. */
  function checkKey(presented: string | undefined): void {
    if (configured.length === 0 && options.dev) return
    if (presented === undefined) {
      if (options.dev) return
      throw new ConduitError(ErrorCode.UNAUTHORIZED, "send the signing key as Authorization: Bearer <key>")
    }
    if (!isSigningKey(presented)) throw new ConduitError(ErrorCode.INVALID_KEY, "signing key not accepted")
  }

  async function mintToken(input: MintTokenInput): Promise<SubscriptionToken> {
    const ttl = input.expiresIn ?? options.tokenTtlSeconds
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > options.maxTokenTtlSeconds) {
      throw new ConduitError(ErrorCode.INVALID_BODY, `expiresIn must be whole seconds, 1-${options.maxTokenTtlSeconds}`, {
        details: { limit: options.maxTokenTtlSeconds },
      })
    }
    const iat = Math.floor(Date.now() / 1000)
    const jwt = new SignJWT({ channel: input.channel, topics: grantedTopics(input.topics, input.runEvents ?? true) })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: "JWT" })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttl)
      .setJti(randomUUID())
    if (input.sub !== undefined) jwt.setSubject(input.sub)
    return { token: await jwt.sign(primary), expiresAt: new Date((iat + ttl) * 1000).toISOString() }
  }

  async function verifyToken(token: string): Promise<SubscriptionTokenClaims> {
    let lastError: unknown
    for (const key of keys) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [TOKEN_ALGORITHM],
          issuer: TOKEN_ISSUER,
          audience: TOKEN_AUDIENCE,
          requiredClaims: ["exp", "iat", "channel", "topics"],
        })
        if (typeof payload.channel !== "string" || !Array.isArray(payload.topics) || !payload.topics.every((t) => typeof t === "string")) {
          throw new ConduitError(ErrorCode.TOKEN_INVALID, "token claims channel/topics malformed")
        }
        checkLifetime(payload.iat!, payload.exp!)
        return payload as unknown as SubscriptionTokenClaims
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) {
          throw new ConduitError(ErrorCode.TOKEN_EXPIRED, "token expired; fetch a new one", { cause: error })
        }
        lastError = error
        // Only a signature mismatch is worth trying with the fallback key.
        if (!(error instanceof joseErrors.JWSSignatureVerificationFailed)) break
      }
    }
    if (lastError instanceof ConduitError) throw lastError
    throw new ConduitError(ErrorCode.TOKEN_INVALID, "token not accepted", { cause: lastError })
  }

  /**
   * jose accepts any number for `exp` and `iat`, Infinity (`1e309`) included:
   * a token must end, within the gateway's maximum of its `iat`, and `iat`
   * must not be in the future (an `iat` a year ahead would stretch it).
   */
  function checkLifetime(iat: number, exp: number): void {
    const nowSeconds = Date.now() / 1000
    const max = options.maxTokenTtlSeconds
    if (!Number.isFinite(exp) || !Number.isFinite(iat) || exp - iat > max || iat > nowSeconds + CLOCK_SKEW_SECONDS) {
      throw new ConduitError(ErrorCode.TOKEN_INVALID, `token lifetime is not finite or exceeds the gateway's maximum of ${max} s`)
    }
  }

  async function authorizeSubscribe(
    presented: PresentedCredential,
    channel: string,
    requested: string[] | null,
  ): Promise<SubscribeGrant> {
    if (presented.query !== undefined && configured.length > 0 && isSigningKey(presented.query)) {
      options.onKeyInUrl?.()
      throw new ConduitError(
        ErrorCode.INVALID_KEY,
        "the signing key is never accepted in a URL (it reaches access logs): send it as Authorization: Bearer, and rotate it",
      )
    }
    const credential = presented.header ?? presented.query
    const all: SubscribeGrant = { topics: requested === null ? null : new Set([...requested, RUN_TOPIC]) }
    if (credential === undefined) {
      if (options.dev) return all
      throw new ConduitError(ErrorCode.UNAUTHORIZED, "send a subscription token (Authorization: Bearer or ?token=)")
    }
    if (configured.length > 0 && isSigningKey(credential)) return all
    const claims = await verifyToken(credential)
    if (claims.channel !== channel) {
      throw new ConduitError(ErrorCode.FORBIDDEN_CHANNEL, "token is for another channel", { details: { channel } })
    }
    const grantsAll = claims.topics.includes(ALL_TOPICS)
    const topics = requested ?? (grantsAll ? null : claims.topics)
    if (!grantsAll && topics !== null) {
      const outside = topics.filter((t) => !claims.topics.includes(t))
      if (outside.length > 0) {
        throw new ConduitError(ErrorCode.FORBIDDEN_TOPIC, "token does not grant these topics", { details: { topics: outside } })
      }
    }
    const expiresAtMs = claims.exp * 1000
    if (topics === null) return { topics: null, expiresAtMs }
    const sent = new Set(topics)
    // `topics=` narrows the data topics; `$run` comes with the token's grant whatever was asked for.
    if (grantsAll || claims.topics.includes(RUN_TOPIC)) sent.add(RUN_TOPIC)
    return { topics: sent, expiresAtMs }
  }

  return { checkKey, mintToken, verifyToken, authorizeSubscribe, isSigningKey }
}

/** A token's `topics` claim: `$run` is a topic like any other, added unless the minting code opted out. */
function grantedTopics(topics: readonly string[], runEvents: boolean): string[] {
  const grantsRun = topics.includes(ALL_TOPICS) || topics.includes(RUN_TOPIC)
  if (grantsRun && !runEvents) {
    throw new ConduitError(ErrorCode.INVALID_BODY, 'runEvents is false but the topics grant $run (["*"] grants every topic): list the topics instead')
  }
  return runEvents && !grantsRun ? [...topics, RUN_TOPIC] : [...topics]
}

function digest(value: string): Buffer {
  // One-shot: no Hash object per publish request.
  return hash("sha256", value, "buffer")
}
