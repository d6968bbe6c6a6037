import type { Envelope } from "@conduit/shared"
import { NO_STREAMS } from "./assembleStreams.ts"
import { topicMessages } from "./topicMessages.ts"
import type { Messages, Streams } from "./types.ts"

/** `messages` of a subscription that has received nothing. */
export const NO_MESSAGES: Messages<any> = Object.freeze({
  all: Object.freeze([]),
  byTopic: Object.freeze({}),
  last: undefined,
  delta: Object.freeze([]),
  streams: NO_STREAMS,
})

/**
 * An append-only array shared by the snapshots of one subscription: each
 * sees the slice `[from, to)` it was made with, which no later append
 * changes. Dropping the oldest moves `from`; once the dead prefix dominates,
 * later snapshots move to a compacted copy and earlier ones keep the old array.
 */
interface Log {
  items: Envelope[]
  from: number
}

/** One snapshot's slice of a log; its frozen array is built on first read, then kept. */
interface View {
  readonly items: Envelope[]
  readonly from: number
  readonly to: number
  array?: readonly Envelope[]
}

/** The logs of one line of snapshots; `version` counts appends, so a snapshot knows whether it is the newest. */
interface Logs {
  all: Log
  topics: Map<string, Log>
  version: number
}

interface State {
  logs: Logs
  version: number
  all: View
  /** By topic, reused while a topic gets nothing new: its array stays the same object. */
  topics: Map<string, View>
}

const states = new WeakMap<Messages<Envelope>, State>()

const viewOf = (log: Log): View => ({ items: log.items, from: log.from, to: log.items.length })
const arrayOf = (view: View): readonly Envelope[] => (view.array ??= Object.freeze(view.items.slice(view.from, view.to)))
const topicArrayOf = (view: View): readonly Envelope[] => (view.array ??= topicMessages(view.items.slice(view.from, view.to)))

function compact(log: Log): void {
  if (log.from <= 1024 || log.from * 2 <= log.items.length) return
  log.items = log.items.slice(log.from)
  log.from = 0
}

function push(logs: Logs, m: Envelope): void {
  logs.all.items.push(m)
  let log = logs.topics.get(m.topic)
  if (!log) logs.topics.set(m.topic, (log = { items: [], from: 0 }))
  log.items.push(m)
}

/** The state behind `previous`; a copy when it cannot be extended in place (it is not the newest of its line). */
function stateOf(previous: Messages<Envelope>): State {
  const state = states.get(previous)
  if (state && state.version === state.logs.version) return state
  const logs: Logs = { all: { items: [], from: 0 }, topics: new Map(), version: 0 }
  for (const m of previous.all) push(logs, m)
  return { logs, version: 0, all: viewOf(logs.all), topics: new Map([...logs.topics].map(([t, log]) => [t, viewOf(log)])) }
}

function snapshotOf(state: State, last: Envelope | undefined, delta: readonly Envelope[], streams: Streams<Envelope>): Messages<Envelope> {
  const byTopic: Record<string, readonly Envelope[]> = {}
  for (const [topic, view] of state.topics) Object.defineProperty(byTopic, topic, { enumerable: true, get: () => topicArrayOf(view) })
  const { all } = state
  const messages = Object.freeze({
    get all() {
      return arrayOf(all)
    },
    byTopic: Object.freeze(byTopic),
    last,
    delta: Object.freeze(delta.slice()),
    streams,
  }) as Messages<Envelope>
  states.set(messages, state)
  return messages
}

/**
 * The next `messages`: `added` appended in order, the oldest dropped past
 * `limit`, `byTopic` regrouped, `delta` = `added`. O(added), not O(limit):
 * the arrays are slices of logs that successive snapshots share, built only
 * when read, and a topic that got nothing new keeps its array. `streams`
 * (from `assembleStreams`) is carried as given. The previous value never changes.
 */
export function appendMessages(
  previous: Messages<Envelope>,
  added: readonly Envelope[],
  limit: number,
  streams: Streams<Envelope> = previous.streams,
): Messages<Envelope> {
  if (added.length === 0) {
    if (previous.delta.length === 0 && streams === previous.streams) return previous
    const state = states.get(previous)
    return state ? snapshotOf(state, previous.last, [], streams) : { ...previous, delta: NO_MESSAGES.delta, streams }
  }
  const { logs, topics: views } = stateOf(previous)
  const changed = new Set<string>()
  for (const m of added) {
    push(logs, m)
    changed.add(m.topic)
  }
  const { all } = logs
  const excess = all.items.length - all.from - limit
  for (let i = 0; i < excess; i++) {
    const topic = all.items[all.from + i]!.topic
    logs.topics.get(topic)!.from++
    changed.add(topic)
  }
  if (excess > 0) all.from += excess
  compact(all)
  const topics = new Map(views)
  for (const topic of changed) {
    const log = logs.topics.get(topic)!
    compact(log)
    if (log.from < log.items.length) topics.set(topic, viewOf(log))
    else {
      logs.topics.delete(topic)
      topics.delete(topic)
    }
  }
  const version = ++logs.version
  return snapshotOf({ logs, version, all: viewOf(all), topics }, added[added.length - 1], added, streams)
}
