import type { ChannelDefinition, ChannelInstance } from "./channel.ts"

/**
 * A subscription token as a browser receives it: the JWT and the gateway it
 * is for, so a subscriber needs no `url` of its own. Inngest v4's
 * `getClientSubscriptionToken` shape (`key`, `apiBaseUrl`).
 */
export interface ClientSubscriptionToken {
  /** The subscription JWT (what `POST /v1/tokens` answers as `token`). */
  readonly key: string
  /** Base URL of the gateway that accepts it, e.g. `https://realtime.example.com`; `""` for the page's origin. */
  readonly apiBaseUrl: string
  /** ISO 8601: the last moment it can be used to connect. */
  readonly expiresAt: string
}

/**
 * A token that also names what it grants: a subscriber given only this (the
 * v3 `useInngestSubscription({ refreshToken })`) knows the channel and topics.
 * `C` is the channel (definition, instance or name) the messages are typed by;
 * it exists in types only.
 */
export interface ChannelSubscriptionToken<C = any, T extends readonly string[] = string[]> extends ClientSubscriptionToken {
  /** The channel name. */
  readonly channel: string
  readonly topics: T
  /** Types only: the channel whose schemas type the messages. Never set. */
  readonly "~channel"?: C
}

/** Anything a `token` option may be: a JWT string or a token object. */
export type TokenValue = string | ClientSubscriptionToken | ChannelSubscriptionToken

/** Whether a token object names its channel and topics. */
export function isChannelToken(token: TokenValue): token is ChannelSubscriptionToken {
  return typeof token === "object" && typeof (token as ChannelSubscriptionToken).channel === "string" && Array.isArray((token as ChannelSubscriptionToken).topics)
}

/** The topic configs a token's channel type carries (`{}` when it was minted for a bare name). */
export type TokenChannelConfigs<C> = C extends ChannelDefinition<infer T, any> ? T : C extends ChannelInstance<infer T> ? T : {}
