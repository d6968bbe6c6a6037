import type { ChannelInstance, ChannelSubscriptionToken, ClientSubscriptionToken } from "@conduit/shared"
import type { TopicsOf } from "@conduit/client"
import type { Conduit, TokenRequest } from "./Conduit.ts"

/** What the free token functions take: Inngest's `{ channel, topics }`, plus `TokenRequest`'s optional fields. */
export type TokenArgs<C extends ChannelInstance<any> | string, T extends readonly TopicsOf<C>[]> = Omit<TokenRequest, "channel" | "topics"> & {
  channel: C
  topics: T
}

async function mint(conduit: Conduit, args: TokenArgs<ChannelInstance<any> | string, readonly string[]>) {
  const { token, expiresAt } = await conduit.getSubscriptionToken(args)
  return { key: token, apiBaseUrl: conduit.publicUrl, expiresAt }
}

/**
 * Mints a token for a browser (Inngest v4's `getClientSubscriptionToken`): the
 * JWT and the gateway's base URL, so `useRealtime({ channel, topics, token })`
 * needs no `url`. Call it from your own authorized endpoint or server action.
 */
export function getClientSubscriptionToken<const C extends ChannelInstance<any> | string, const T extends readonly TopicsOf<C>[]>(
  conduit: Conduit,
  args: TokenArgs<C, T>,
): Promise<ClientSubscriptionToken> {
  return mint(conduit, args)
}

/**
 * Mints a token that also names its channel and topics (`getSubscriptionToken`
 * of Inngest v3 and v4): a subscriber given only this object, such as
 * `useInngestSubscription({ refreshToken })`, knows what to open. Typed by the
 * channel when given an instance; assignable to any `Realtime.Token<…>` of the
 * same topics when given a name.
 */
export async function getSubscriptionToken<const C extends ChannelInstance<any> | string, const T extends readonly TopicsOf<C>[]>(
  conduit: Conduit,
  args: TokenArgs<C, T>,
): Promise<ChannelSubscriptionToken<C extends string ? any : C, [...T]>> {
  const channel = typeof args.channel === "string" ? args.channel : args.channel.name
  return { ...(await mint(conduit, args)), channel, topics: [...args.topics] as [...T] }
}
