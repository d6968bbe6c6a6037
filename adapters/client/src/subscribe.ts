import type { ChannelInstance } from "@conduit/shared"
import { RealtimeStore } from "./RealtimeStore.ts"
import type { AnyMessageOf, RealtimeSubscription, SubscribeOptions, TopicsOf } from "./types.ts"

/**
 * A subscription to one channel: a store every adapter renders from and an
 * async iterator for servers. Nothing connects until the first listener (or
 * iterator); the stream closes `closeDelayMs` after the last one leaves.
 *
 * ```ts
 * const sub = subscribe({ url, channel: pipeline({ runId }), topics: ["status"], token: fetchToken })
 * const stop = sub.subscribe(() => render(sub.getSnapshot()))
 * ```
 */
export function subscribe<C extends ChannelInstance<any> | string, K extends TopicsOf<C> = TopicsOf<C>>(
  options: SubscribeOptions<C, K>,
): RealtimeSubscription<AnyMessageOf<C, K>> {
  return new RealtimeStore(options) as unknown as RealtimeSubscription<AnyMessageOf<C, K>>
}
