"use client"
import { type AnyMessageOf, optionsKey, type Snapshot, type SubscribeOptions, subscribe, type TopicsOf } from "@conduit/client"
import type { ChannelInstance } from "@conduit/shared"
import { useMemo, useSyncExternalStore } from "react"

/**
 * The snapshot of a Conduit subscription, re-rendering on every change.
 * A new subscription (fresh state) starts when the channel, topics, `enabled`
 * or another stream option changes; a new token or token function does not
 * restart it. Strict Mode's double mount shares one connection and one token;
 * server rendering gets the idle snapshot.
 */
export function useRealtime<C extends ChannelInstance<any> | string, K extends TopicsOf<C> = TopicsOf<C>>(
  options: SubscribeOptions<C, K>,
): Snapshot<AnyMessageOf<C, K>> {
  const key = optionsKey(options)
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key is the options' identity
  const subscription = useMemo(() => subscribe(options), [key])
  subscription.setToken(options.token)
  return useSyncExternalStore(subscription.subscribe, subscription.getSnapshot, subscription.getServerSnapshot)
}
