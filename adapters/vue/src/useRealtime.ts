import { type AnyMessageOf, optionsKey, type RealtimeSubscription, type Snapshot, type SubscribeOptions, subscribe, type TopicsOf } from "@conduit/client"
import type { ChannelInstance } from "@conduit/shared"
import { type MaybeRefOrGetter, onScopeDispose, type ShallowRef, shallowRef, toValue, watch } from "vue"

/**
 * The snapshot of a Conduit subscription as a shallow ref. `options` may be a
 * ref or getter: when the channel, topics, `enabled` or another stream option
 * changes, a new subscription (fresh state) replaces the old; a new token does
 * not restart it. Stops with the component (or effect scope); idle during SSR.
 */
export function useRealtime<C extends ChannelInstance<any> | string, K extends TopicsOf<C> = TopicsOf<C>>(
  options: MaybeRefOrGetter<SubscribeOptions<C, K>>,
): Readonly<ShallowRef<Snapshot<AnyMessageOf<C, K>>>> {
  let subscription: RealtimeSubscription<AnyMessageOf<C, K>> = subscribe(toValue(options))
  const snapshot = shallowRef(subscription.getServerSnapshot())
  if (typeof window === "undefined") return snapshot
  let unsubscribe = () => {}
  watch(
    () => optionsKey(toValue(options)),
    (_key, previous) => {
      unsubscribe()
      if (previous !== undefined) subscription = subscribe(toValue(options))
      const current = subscription
      unsubscribe = current.subscribe(() => (snapshot.value = current.getSnapshot()))
      snapshot.value = current.getSnapshot()
    },
    { immediate: true },
  )
  watch(
    () => toValue(options).token,
    (token) => subscription.setToken(token),
  )
  onScopeDispose(() => unsubscribe())
  return snapshot
}
