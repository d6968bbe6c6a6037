/** Subscription tokens are HS256 JWTs with exactly these claims. */
export const TOKEN_ISSUER = "conduit"
export const TOKEN_AUDIENCE = "conduit:subscribe"
export const TOKEN_ALGORITHM = "HS256"

export interface SubscriptionTokenClaims {
  iss: typeof TOKEN_ISSUER
  aud: typeof TOKEN_AUDIENCE
  /** The one channel this token may subscribe to. */
  channel: string
  /** Topics granted; the subscription may narrow them, never widen. */
  topics: string[]
  iat: number
  exp: number
  jti: string
  /** Who the token was minted for (a user id), when the minting code said. */
  sub?: string
}

/** What `POST /v1/tokens` and `getSubscriptionToken` return. */
export interface SubscriptionToken {
  token: string
  /** ISO 8601 */
  expiresAt: string
}
