"use client"
import { type InngestSubscription, inngestSubscriptionOf, type TokenMessage } from "@conduit/client"
import type { ChannelSubscriptionToken } from "@conduit/shared"
import { useRealtime } from "./useRealtime.ts"

/** Inngest v3's `useInngestSubscription` options. */
export interface UseInngestSubscriptionOptions<TToken extends ChannelSubscriptionToken> {
  /** Fetches a token object (`getSubscriptionToken(conduit, { channel, topics })`), before every connect. */
  refreshToken?: () => Promise<TToken>
  /** A token object to use instead (when there is no `refreshToken`). */
  token?: TToken
  /** A new key is a new subscription with fresh state. @default none */
  key?: string
  /** `false` holds it closed. @default true */
  enabled?: boolean
  /** Batch updates this many ms. @default 0 */
  bufferInterval?: number
}

/**
 * Inngest v3's hook (`@inngest/realtime/hooks`) over `useRealtime`: the
 * channel and topics come from the token object, so `refreshToken` is all it
 * needs. It stays open across runs (the channel is usually a user's). The
 * token names the channel only, so messages are not checked against schemas
 * here; their types come from the token's (`Realtime.Token<typeof ch, […]>`).
 */
export function useInngestSubscription<TToken extends ChannelSubscriptionToken>(
  options: UseInngestSubscriptionOptions<TToken>,
): InngestSubscription<TokenMessage<TToken>> {
  const snapshot = useRealtime({
    token: options.refreshToken ?? options.token,
    key: options.key,
    enabled: options.enabled,
    bufferInterval: options.bufferInterval,
    autoCloseOnTerminal: false,
  })
  return inngestSubscriptionOf(snapshot) as unknown as InngestSubscription<TokenMessage<TToken>>
}
