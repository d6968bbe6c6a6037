import { channel } from "./channel.ts"
import type { ChannelSubscriptionToken, ClientSubscriptionToken } from "./realtimeToken.ts"

/**
 * Inngest v4's namespace: `realtime.channel({ name, topics })` is `channel()`,
 * so a channels module written for Inngest ports with its import changed.
 */
export const realtime = Object.freeze({ channel })

/**
 * Inngest's `Realtime` names (`Realtime.Token<typeof userChannel, ["ai"]>`).
 * Also a value (the same object as `realtime`), so `import { Realtime }`
 * compiles under `verbatimModuleSyntax` as it did from Inngest.
 */
export const Realtime = realtime
export declare namespace Realtime {
  /** What `getSubscriptionToken(conduit, { channel, topics })` returns: a token naming its channel and topics. */
  type Token<C = any, T extends readonly string[] = string[]> = ChannelSubscriptionToken<C, T>
  /** What `getClientSubscriptionToken` returns. */
  type ClientToken = ClientSubscriptionToken
}
