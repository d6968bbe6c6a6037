"use client"
import { type AnyMessageOf, optionsKey, type Snapshot, type SubscribeOptions, subscribe, type TopicsOf } from "@conduit/client"
import type { ChannelInstance } from "@conduit/shared"
import { useEffect, useState, useSyncExternalStore } from "react"

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
  // State, not a memo: React may drop a memo and build it again, and that would restart the stream.
  // A subscription connects on its first listener only, so building one here does no I/O.
  const [current, setCurrent] = useState(() => ({ key, subscription: subscribe(options) }))
  let { subscription } = current
  if (current.key !== key) {
    // New stream options: a fresh subscription, set while rendering (React's way to derive state from props).
    subscription = subscribe(options)
    setCurrent({ key, subscription })
  }
  // Not during render: a render React discards must not change the live subscription. Declared before
  // useSyncExternalStore, so it runs before the first connect; a subscription starts with the options' token.
  const { token } = options
  useEffect(() => subscription.setToken(token), [subscription, token])
  return useSyncExternalStore(subscription.subscribe, subscription.getSnapshot, subscription.getServerSnapshot)
}
