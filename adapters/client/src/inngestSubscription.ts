import type { ChannelInstance, ChannelSubscriptionToken, TokenChannelConfigs } from "@conduit/shared"
import type { AnyMessageOf, Snapshot } from "./types.ts"

/** The states of Inngest v3's `useInngestSubscription`. */
export type InngestSubscriptionState = "closed" | "error" | "refresh_token" | "connecting" | "active" | "closing"

/** What Inngest v3's `useInngestSubscription` returns, read from a snapshot. */
export interface InngestSubscription<M> {
  /** Every message received (at most `historyLimit`). */
  readonly data: readonly M[]
  /** The newest message, or null. */
  readonly latestData: M | null
  /** The messages of the latest update. */
  readonly freshData: readonly M[]
  readonly error: Error | null
  readonly state: InngestSubscriptionState
  /** Empties `data` (the snapshot's `reset`). */
  readonly clear: () => void
}

/** The messages a token object grants: typed by the channel it was minted for (`Realtime.Token<typeof ch, ["ai"]>`). */
export type TokenMessage<TToken> =
  TToken extends ChannelSubscriptionToken<infer C, infer T>
    ? AnyMessageOf<ChannelInstance<TokenChannelConfigs<C>>, T[number] & keyof TokenChannelConfigs<C> & string> extends infer M
      ? [M] extends [never]
        ? AnyMessageOf<string, T[number]>
        : M
      : never
    : never

const STATES: Record<Snapshot["connectionStatus"], InngestSubscriptionState> = {
  idle: "closed",
  connecting: "connecting",
  open: "active",
  paused: "closed",
  closed: "closed",
  error: "error",
}

const results = new WeakMap<Snapshot<any>, InngestSubscription<any>>()

/** The v3 view of a snapshot; the same object for the same snapshot (so a React render sees stable values). */
export function inngestSubscriptionOf<M>(snapshot: Snapshot<M>): InngestSubscription<M> {
  let result = results.get(snapshot)
  if (!result) {
    const { messages } = snapshot
    result = Object.freeze({
      data: messages.all,
      latestData: messages.last ?? null,
      freshData: messages.delta,
      error: snapshot.error,
      state: STATES[snapshot.connectionStatus],
      clear: snapshot.reset,
    })
    results.set(snapshot, result)
  }
  return result as InngestSubscription<M>
}
