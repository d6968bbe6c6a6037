import type { SubscribeOptions } from "./types.ts"
import { channelNameOf } from "./subscribeUrl.ts"

/**
 * Identity of a subscription: two option objects with the same key describe
 * the same stream. Adapters open a new subscription (and reset their state)
 * when it changes. The token is left out on purpose: a new token (or a new
 * factory function on every render) is the same stream.
 */
export function optionsKey(options: SubscribeOptions<any, any>): string {
  return JSON.stringify([
    options.url,
    channelNameOf(options.channel),
    options.topics ? [...options.topics].sort() : null,
    options.enabled !== false,
    options.from ?? "all",
    options.historyLimit ?? null,
    options.bufferInterval ?? 0,
    options.pauseWhenHidden ?? true,
  ])
}
