import type {
  ChannelInstance,
  ConduitError,
  Envelope,
  GapEventData,
  RunStatus,
  TokenValue,
  TopicsConfig,
} from "@conduit/shared"
import type { StandardSchemaV1 } from "@standard-schema/spec"

/** Topic names of a channel instance. */
export type TopicsOf<C> = C extends ChannelInstance<infer T> ? keyof T & string : string
/** Topic configs of a channel instance (`{}` for a bare channel name). */
type ConfigsOf<C> = C extends ChannelInstance<infer T> ? T : TopicsConfig

/** A received message of topic `K` of channel `C`: data typed by the topic schema's output. */
export type MessageOf<C, K extends string> =
  ConfigsOf<C> extends infer T extends TopicsConfig
    ? K extends keyof T
      ? Envelope<K, StandardSchemaV1.InferOutput<T[K]["schema"]>>
      : Envelope<K, unknown>
    : never

/** A received message of any of the topics `K`, discriminated by `topic`. */
export type AnyMessageOf<C, K extends string> = K extends unknown ? MessageOf<C, K> : never

export type ConnectionStatus = "idle" | "connecting" | "open" | "paused" | "closed" | "error"

/**
 * A subscription token (the JWT, or a token object: `{ key, apiBaseUrl }` from
 * `getClientSubscriptionToken`, also `{ channel, topics }` from
 * `getSubscriptionToken`), or a function that fetches one (called before every connect).
 */
export type TokenSource = TokenValue | (() => TokenValue | Promise<TokenValue>)

/** Why `connectionStatus` is `paused`: the page is hidden, or `enabled` is false. */
export type PauseReason = "hidden" | "disabled" | null

export interface SubscribeOptions<C extends ChannelInstance<any> | string = ChannelInstance<any> | string, K extends TopicsOf<C> = TopicsOf<C>> {
  /**
   * Gateway base URL, e.g. `http://localhost:8288`; `""` for the page's origin.
   * @default the `apiBaseUrl` of the token object (`getClientSubscriptionToken`); one of the two is required
   */
  url?: string
  /**
   * A channel instance (`pipeline({ runId })`, typed) or a channel name.
   * @default the channel a `getSubscriptionToken` token object names (untyped); one of the two is required
   */
  channel?: C
  /** Topics to receive. @default the token object's `topics`, else all the token grants */
  topics?: readonly K[]
  /** Required outside dev mode. A factory is called before each connect, never while disabled. */
  token?: TokenSource
  /**
   * Identity beyond the channel and topics: a new `key` is a new subscription
   * with fresh state (adapters reconnect and start over). @default none
   */
  key?: string
  /**
   * `false` holds the subscription closed (`connectionStatus` `paused`,
   * `pauseReason` `disabled`), e.g. until a run id exists. @default true
   */
  enabled?: boolean
  /**
   * Where the first connect starts: `"all"` replays retained history (a late
   * subscriber sees the whole run), `"none"` receives only new messages, an id
   * resumes after it. Reconnects always resume from the last received id.
   * @default "all"
   */
  from?: "all" | "none" | string
  /** Most messages kept in `messages.all` (oldest dropped first); `null` keeps all. @default 1000 */
  historyLimit?: number | null
  /**
   * Check each message against its topic's schema (an invalid one is reported
   * in `error`). `false` takes `data` as it arrives, untransformed. @default true
   */
  validate?: boolean
  /**
   * Batches snapshots: after a change the next snapshot waits this many ms and
   * carries everything received meanwhile (all of it in `messages.delta`), so a
   * fast token stream renders a few times a second rather than per token. A
   * run's end and `close()` are never held back. 0: one snapshot per microtask
   * (one per read of the stream).
   * @default 0
   */
  bufferInterval?: number
  /** Close the stream while `document.hidden` and resume from the last id when visible. @default true */
  pauseOnHidden?: boolean
  /** The earlier name of `pauseOnHidden`, still accepted (`pauseOnHidden` wins when both are set). */
  pauseWhenHidden?: boolean
  /**
   * Reconnect after the stream ends or fails. `false`: the first end is final
   * (`connectionStatus` `closed`, or `error` after a failure). @default true
   */
  reconnect?: boolean
  /** Inngest's name for `backoff.initialMs`: the first reconnect delay (the gateway's `retry:` replaces it). @default 1000 */
  reconnectMinMs?: number
  /** Inngest's name for `backoff.maxMs`: the longest reconnect delay. @default 30000 */
  reconnectMaxMs?: number
  /**
   * Close the stream for good (`connectionStatus` `closed`) once the run ends:
   * the first terminal `$run` (`completed`, `failed`, `cancelled`) after the
   * messages before it. `false` for channels that outlive a run.
   * @default untilRunEnds, else true
   */
  autoCloseOnTerminal?: boolean
  /** The gateway's heartbeat interval; no byte for 2× this + 5 s reconnects. @default 15000 */
  heartbeatMs?: number
  /** Reconnect backoff: first delay (the server's `retry:` replaces it), cap. @default { initialMs: 1000, maxMs: 30000 } */
  backoff?: { initialMs?: number; maxMs?: number }
  /** How long after the last listener leaves the stream is closed (absorbs Strict Mode remounts). @default 100 */
  closeDelayMs?: number
  /** `fetch` to use (tests, proxies). @default globalThis.fetch */
  fetch?: typeof fetch
  /**
   * `for await`: most messages an iterator holds unread. Past it the client
   * stops reading the stream until the loop is down to half, so a slow loop
   * slows the socket (and a far too slow one is dropped by the gateway as a
   * slow consumer, then resumes from history) instead of buffering without
   * limit. The bound is checked between reads: one read's worth may pass it.
   * @default 1000
   */
  maxBuffered?: number
  /**
   * `for await`: end the loop at the channel's first terminal `$run`
   * (`completed`, `cancelled`; `failed` throws its `ERR_RUN_FAILED`), after the
   * messages that came before it. `false` for channels that outlive a run.
   * @default autoCloseOnTerminal, else true
   */
  untilRunEnds?: boolean
}

/** What a subscriber has of one stream (`publish(topicRef, stream)`), built from its messages as they arrive. */
export interface StreamState<M = Envelope> {
  /** The stream id (`envelope.stream.id`). */
  readonly id: string
  readonly topic: M extends { topic: infer T } ? T : string
  /** The take shown: a retried run's new attempt replaces the failed one's take. */
  readonly take: string
  readonly runId?: string
  /** The chunks' data so far, in order (validated by the topic schema like any message). */
  readonly chunks: readonly (M extends { data: infer D } ? D : unknown)[]
  /** How many chunks so far. */
  readonly count: number
  /** The chunks joined, while every chunk is a string (a token stream); undefined once one is not. */
  readonly text: string | undefined
  /** The end or error marker arrived: nothing more will be added. */
  readonly done: boolean
  /** Why the stream ended early: the source failed or was aborted (`ERR_STREAM_ABORTED` and the like). */
  readonly error: ConduitError | null
  /** A message of the take was not received (it began before retained history, or a `$gap` cut it). */
  readonly incomplete: boolean
  /** Id of the newest message applied to the stream. */
  readonly lastId: string
}

/** The stream of each topic, discriminated by `topic` like messages. */
export type StreamOf<M> = M extends unknown ? StreamState<M> : never

/** Streams by id, in the order they (re)started. */
export type Streams<M> = { readonly [streamId: string]: StreamOf<M> | undefined }

/** One topic's messages, in order; its own fields are those of the newest (`id`, `data`, …). */
export type TopicMessages<M> = 0 extends 1 & M ? readonly any[] & Envelope<string, any> : readonly M[] & M

export interface Messages<M> {
  /** Every received data message, in order, at most `historyLimit`. */
  readonly all: readonly M[]
  /**
   * The same messages grouped by topic: each topic's list, which also reads as
   * its newest message (`byTopic.status?.data` is the newest status's data, as
   * in Inngest; `byTopic.status?.map(…)` goes over all of them).
   */
  readonly byTopic: { readonly [K in M extends { topic: infer T extends string } ? T : never]?: TopicMessages<Extract<M, { topic: K }>> }
  /** The newest message, if any. */
  readonly last: M | undefined
  /** The messages added since the previous snapshot. */
  readonly delta: readonly M[]
  /**
   * Streams assembled from their chunks (see `StreamState`), at most
   * `historyLimit`. Their chunks are in `all` and `byTopic` too, as ordinary
   * messages; start, end and error markers are only here.
   */
  readonly streams: Streams<M>
}

/** What every adapter renders: immutable, replaced (never mutated) on change. */
export interface Snapshot<M = Envelope> {
  readonly connectionStatus: ConnectionStatus
  /** `connectionStatus === "paused"`. */
  readonly isPaused: boolean
  /** Why it is paused; null when it is not. */
  readonly pauseReason: PauseReason
  readonly runStatus: RunStatus
  readonly messages: Messages<M>
  /** The run's result once `runStatus` is `completed`. */
  readonly result: unknown
  /**
   * The latest problem: a refused or failed connect, an invalid message
   * (`ERR_VALIDATION`, with the message in `details`), a failed run
   * (`ERR_RUN_FAILED`). A connection problem is cleared when a stream opens again.
   */
  readonly error: ConduitError | null
  /** Set when the gateway reported `$gap`: messages after `gap.lastEventId` were lost. */
  readonly gap: GapEventData | null
  /** Id of the newest message received (data or `$run`), where a reconnect resumes. */
  readonly lastEventId: string | null
  /**
   * Empties `messages` and forgets `result`, `error`, `gap` and `runStatus`;
   * the stream goes on from where it is (nothing is replayed). The same
   * function in every snapshot of a subscription.
   */
  readonly reset: () => void
}

/**
 * A subscription: a store (`subscribe`/`getSnapshot`, the shape
 * `useSyncExternalStore`, Vue and Svelte stores take) and an async iterator of
 * messages for servers. Connects on the first listener, closes `closeDelayMs`
 * after the last.
 */
export interface RealtimeSubscription<M = Envelope> extends AsyncIterable<M> {
  subscribe(listener: () => void): () => void
  getSnapshot(): Snapshot<M>
  /** The SSR snapshot: idle and empty. */
  getServerSnapshot(): Snapshot<M>
  /** The token source of the next connect (adapters pass the latest one; the stream is not restarted). */
  setToken(token: TokenSource | undefined): void
  /** Closes the stream for good (status `closed`); iterators end. */
  close(): void
}
