import type { Envelope, GapEventData } from "@conduit/shared"

/**
 * A message as the broker holds it: id, topic and the envelope JSON,
 * serialized once at publish and reused for every frame and history read.
 */
export interface StoredMessage {
  readonly id: string
  readonly topic: string
  /** The envelope as JSON (`Envelope`), never re-serialized. */
  readonly json: string
  /** The SSE frame, built lazily once per node by the fan-out and cached here. */
  frame?: Buffer
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
}

export interface PublishResult {
  id: string
  /** True when the idempotency key was seen before: nothing was published. */
  duplicate: boolean
}

export interface ReadResult {
  messages: StoredMessage[]
  /**
   * Set when messages after the requested id are no longer retained, or when
   * the id is newer than anything the channel holds (what came after it is unknown).
   */
  gap: GapEventData | null
  /** Newest id the channel has had, retained or not; null when the broker knows none. */
  newest: string | null
}

/** Live messages of one channel, in id order, possibly several at a time. */
export type BrokerListener = (messages: StoredMessage[]) => void

/**
 * Where messages get their ids, are retained and fan out between nodes.
 * Memory is the embedded default; Redis is the scale-out one.
 */
export interface Broker {
  /** Assigns ids, stores history, notifies listeners. Order within a channel is input order. */
  publish(messages: PreparedMessage[]): Promise<PublishResult[]>
  /**
   * Starts live delivery for a channel. Resolves once the subscription is
   * live: anything published after that reaches the listener.
   */
  subscribe(channel: string, listener: BrokerListener): Promise<() => void>
  /**
   * Retained messages with id > `after` (all retained when `after` is "0"), oldest
   * first, at most `limit` (0: none, only `newest`).
   */
  read(channel: string, after: string, limit?: number): Promise<ReadResult>
  /** False while the backing store cannot be reached. */
  isReady(): boolean
  /** Called with false when the broker loses its backend and true when it is back. */
  onReadyChange?(listener: (ready: boolean) => void): () => void
  close(): Promise<void>
}

/** Builds the envelope JSON without serializing `data` twice. Key order is the wire order. */
export function envelopeJson(env: Omit<Envelope, "data">, dataJson: string): string {
  let out = `{"id":"${env.id}","channel":${JSON.stringify(env.channel)},"topic":${JSON.stringify(env.topic)},"data":${dataJson},"createdAt":"${env.createdAt}"`
  if (env.runId !== undefined) out += `,"runId":${JSON.stringify(env.runId)}`
  return `${out},"kind":"${env.kind}"}`
}
