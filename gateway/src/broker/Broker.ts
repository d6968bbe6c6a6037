import type { Envelope, GapEventData, StreamTag } from "@conduit/shared"

/**
 * A message as the broker holds it: its id, its topic and its SSE frame,
 * built once per node (`storeMessage`) and shared by every subscriber, replay
 * and history read. The frame is the one copy: the envelope JSON is read
 * from it (`messageJson`), never kept beside it.
 */
export interface StoredMessage {
  readonly id: string
  readonly topic: string
  /** `id: …`, `event: <topic>`, then the envelope JSON (`Envelope`) on one `data:` line. */
  readonly frame: Buffer
}

/** One message ready for the broker: validated, data already serialized. */
export interface PreparedMessage {
  channel: string
  topic: string
  data: unknown
  /** `JSON.stringify(data)`: its byte length was checked against the limit. */
  dataJson: string
  kind: Envelope["kind"]
  runId?: string
  idempotencyKey?: string
  /** Set on the messages of a stream (checked: `checkStreamTag`). */
  stream?: StreamTag
}

export interface PublishOptions {
  /**
   * The request's key: a publish with a key seen within the request-key
   * window (`requestKeyTtlMs`) publishes nothing and answers the first one's
   * ids, all duplicates. One key per request, remembered briefly, is what
   * lets a sender retry a whole batch safely without a key per message.
   */
  requestKey?: string
}

export interface PublishResult {
  id: string
  /** True when the idempotency key was seen before: nothing was published. */
  duplicate: boolean
}

export interface ReadResult {
  messages: StoredMessage[]
  /**
   * Set when messages after the requested id may be missing: some were
   * evicted, or the id is not one the channel holds, a future one included
   * (see `resumeGap`).
   */
  gap: GapEventData | null
  /** Newest id the channel has had, retained or not; null when the broker knows none. */
  newest: string | null
}

/** Live messages of one channel, in id order, possibly several at a time. */
export type BrokerListener = (messages: StoredMessage[]) => void

/**
 * Called when the broker can no longer vouch for a subscription: live
 * messages may have been lost in between (the backend lost data it had
 * acknowledged). The subscriber should resume from its last id, where a
 * `$gap` tells what is gone.
 */
export type BrokerInterruption = () => void

/**
 * Where messages get their ids, are retained and fan out between nodes.
 * Memory is the embedded default; Redis is the scale-out one.
 */
export interface Broker {
  /** Assigns ids, stores history, notifies listeners. Order within a channel is input order. */
  publish(messages: PreparedMessage[], options?: PublishOptions): Promise<PublishResult[]>
  /**
   * Starts live delivery for a channel. Resolves once the subscription is
   * live: anything published after that reaches the listener, in order and
   * once, or `onInterrupted` is called.
   */
  subscribe(channel: string, listener: BrokerListener, onInterrupted?: BrokerInterruption): Promise<() => void>
  /**
   * Retained messages with id > `after` (all retained when `after` is the start, `isStartId`), oldest
   * first, at most `limit` (0: none, only `newest`), and whether any may be missing.
   */
  read(channel: string, after: string, limit?: number): Promise<ReadResult>
  /** False while the backing store cannot be reached. */
  isReady(): boolean
  /**
   * When publishes of this node to `channel` are on their way through the
   * backend, calls `done` once those are answered and returns true; else
   * returns false and never calls it. Redis hands a publish's live messages
   * back with its answer, so the fan-out can wait for them and write them
   * with what it holds. Absent where live messages arrive within the publish
   * call (memory).
   */
  whenPublished?(channel: string, done: () => void): boolean
  /** Called with false when the broker loses its backend and true when it is back. */
  onReadyChange?(listener: (ready: boolean) => void): () => void
  close(): Promise<void>
}
