import { type AnyMessageOf, type Snapshot, type SubscribeOptions, subscribe, type TopicsOf } from "@conduit/client"
import type { ChannelInstance } from "@conduit/shared"
import type { Readable } from "svelte/store"

/**
 * A readable store of a Conduit subscription's snapshot: `$store` in a
 * component connects it, and it closes shortly after the last subscriber
 * leaves. For other options, create another store. Idle during SSR.
 */
export function realtime<C extends ChannelInstance<any> | string, K extends TopicsOf<C> = TopicsOf<C>>(
  options: SubscribeOptions<C, K>,
): Readable<Snapshot<AnyMessageOf<C, K>>> {
  const subscription = subscribe(options)
  return {
    subscribe(run) {
      if (typeof window === "undefined") {
        run(subscription.getServerSnapshot())
        return () => {}
      }
      run(subscription.getSnapshot())
      return subscription.subscribe(() => run(subscription.getSnapshot()))
    },
  }
}
