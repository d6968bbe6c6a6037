import type {
  ChannelInstance,
  ConduitError,
  Envelope,
  GapEventData,
  RunStatus,
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

/** A subscription token, or a function that fetches one (called before every connect). */
export type TokenSource = string | (() => string | Promise<string>)

export interface SubscribeOptions<C extends ChannelInstance<any> | string = ChannelInstance<any> | string, K extends TopicsOf<C> = TopicsOf<C>> {
  /** Gateway base URL, e.g. `http://localhost:8288`; `""` for the page's origin. */
  url: string
  /** A channel instance (`pipeline({ runId })`, typed) or a channel name. */
  channel: C
  /** Topics to receive; all the token grants when omitted. */
  topics?: readonly K[]
  /** Required outside dev mode. A factory is called before each connect, never while disabled. */
  token?: TokenSource
  /** `false` holds the subscription closed (status `idle`), e.g. until a run id exists. @default true */
  enabled?: boolean
  /**
   * Where the first connect starts: `"all"` replays retained history (a late
   * subscriber sees the whole run), `"none"` receives only new messages, an id
   * resumes after it. Reconnects always resume from the last received id.
   * @default "all"
   */
  from?: "all" | "none" | string
  /** Most messages kept in `messages.all` (oldest dropped first). @default 1000 */
  historyLimit?: number
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
  pauseWhenHidden?: boolean
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
   * @default true
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

export interface Messages<M> {
  /** Every received data message, in order, at most `historyLimit`. */
  readonly all: readonly M[]
  /** The same messages grouped by topic. */
  readonly byTopic: { readonly [K in M extends { topic: infer T extends string } ? T : never]?: readonly Extract<M, { topic: K }>[] }
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
