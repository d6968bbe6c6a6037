import type { Envelope } from "@conduit/shared"
import type { Messages } from "./types.ts"

/** `messages` of a subscription that has received nothing. */
export const NO_MESSAGES: Messages<any> = Object.freeze({
  all: Object.freeze([]),
  byTopic: Object.freeze({}),
  last: undefined,
  delta: Object.freeze([]),
})

/**
 * The next `messages`: `added` appended in order, the oldest dropped past
 * `limit`, `byTopic` regrouped from what is kept, `delta` = `added`. Returns
 * new frozen arrays; the previous value is never mutated.
 */
export function appendMessages(previous: Messages<Envelope>, added: readonly Envelope[], limit: number): Messages<Envelope> {
  if (added.length === 0) return previous.delta.length === 0 ? previous : { ...previous, delta: NO_MESSAGES.delta }
  const joined = previous.all.concat(added)
  const all = joined.length > limit ? joined.slice(joined.length - limit) : joined
  const byTopic: Record<string, Envelope[]> = {}
  for (const message of all) (byTopic[message.topic] ??= []).push(message)
  for (const list of Object.values(byTopic)) Object.freeze(list)
  return Object.freeze({
    all: Object.freeze(all),
    byTopic: Object.freeze(byTopic),
    last: all[all.length - 1],
    delta: Object.freeze(added.slice()),
  }) as Messages<Envelope>
}
