import type { SubscribeOptions } from "./types.ts"
import { settingsOf } from "./settingsOf.ts"
import { channelNameOf } from "./subscribeUrl.ts"

/**
 * Identity of a subscription: two option objects with the same key describe
 * the same stream. Adapters open a new subscription (and reset their state)
 * when it changes (`key` among the rest). The token is left out on purpose: a new token (or a new
 * factory function on every render) is the same stream.
 */
export function optionsKey(options: SubscribeOptions<any, any>): string {
  const { backoff, ...settings } = settingsOf(options)
  return JSON.stringify([
    options.url ?? null,
    options.channel === undefined ? null : channelNameOf(options.channel),
    options.topics ? [...options.topics].sort() : null,
    options.key ?? null,
    options.enabled !== false,
    options.from ?? "all",
    options.bufferInterval ?? 0,
    settings,
    backoff,
  ])
}
