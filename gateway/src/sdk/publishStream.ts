import { randomBytes } from "node:crypto"
import { ConduitError, ErrorCode, type PublishInput, type StreamTag, type TopicRef } from "@conduit/shared"
import { topicInput } from "./topicInput.ts"

/** What a stream publish reads: a web `ReadableStream` or any `AsyncIterable` of chunks (strings or JSON values). */
export type StreamSource<T> = ReadableStream<T> | AsyncIterable<T>

export interface StreamPublishOptions {
  runId?: string
  /**
   * The stream's id: publishing the same id again (a retried run's next
   * attempt) replaces what subscribers show for it. @default a random id
   */
  streamId?: string
  /** Aborting it stops reading the source and ends the stream with `ERR_STREAM_ABORTED`. */
  signal?: AbortSignal
}

/** What a finished stream publish resolves with. */
export interface PublishedStream {
  streamId: string
  /** This publish of the stream (see `StreamTag.take`). */
  take: string
  /** Ids of every message of the stream: the start marker, each chunk, the end marker. */
  ids: string[]
  /** Chunks published. */
  count: number
  /** The chunks joined, when every one was a string. */
  text?: string
}

/** Chunks published but not yet answered, at most: a fast source waits for the gateway. */
const MAX_UNANSWERED = 4096
const ERROR_MESSAGE_MAX = 1024

export const newStreamId = (): string => randomBytes(12).toString("base64url")

/** True for a `ReadableStream` or an `AsyncIterable`: what `publish` streams rather than sends as one message. */
export function isStreamSource(value: unknown): value is StreamSource<unknown> {
  if (typeof value !== "object" || value === null) return false
  return typeof (value as ReadableStream).getReader === "function" || typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function"
}

/** Reads a source chunk by chunk; `cancel` stops it (the reader is cancelled, the iterator returned). */
function readerOf<T>(source: StreamSource<T>): { next(): Promise<IteratorResult<T>>; cancel(reason: unknown): Promise<void> } {
  if (typeof (source as ReadableStream<T>).getReader === "function") {
    const reader = (source as ReadableStream<T>).getReader()
    return {
      next: () => reader.read() as Promise<IteratorResult<T>>,
      cancel: async (reason) => {
        await reader.cancel(reason).catch(() => {})
      },
    }
  }
  const iterator = (source as AsyncIterable<T>)[Symbol.asyncIterator]()
  return {
    next: () => iterator.next(),
    cancel: async () => {
      await iterator.return?.()?.catch(() => {})
    },
  }
}

/** The error marker of a source that failed: its code when it is a ConduitError, else ERR_STREAM_ABORTED. */
export function streamErrorOf(error: unknown): { code: string; message: string } {
  const code = error instanceof ConduitError ? error.code : ErrorCode.STREAM_ABORTED
  const message = error instanceof Error ? error.message : String(error)
  return { code, message: message.slice(0, ERROR_MESSAGE_MAX) }
}

/**
 * Publishes a stream: a start marker, each chunk as an ordinary message
 * (validated by the topic's schema, with its own id), then an end marker;
 * or, when the source fails or `signal` aborts, an error marker (see
 * `StreamTag`). `send` publishes one message and resolves with its id (the
 * SDK's coalescer: the chunks of one turn leave in one request, in order).
 * Chunks are not awaited one by one; at most `MAX_UNANSWERED` wait for their
 * answer. A chunk that cannot be published stops the stream: the source is
 * cancelled, the error marker sent, the error thrown.
 */
export async function publishStream(
  send: (input: PublishInput) => Promise<string>,
  topic: TopicRef,
  source: StreamSource<unknown>,
  options: StreamPublishOptions & { take?: string } = {},
): Promise<PublishedStream> {
  const streamId = options.streamId ?? newStreamId()
  const take = options.take ?? newStreamId()
  const base = { channel: topic.channel, topic: topic.topic, ...(options.runId === undefined ? {} : { runId: options.runId }) }
  let seq = 0
  const marker = (over: Partial<StreamTag>) => send({ ...base, data: null, stream: { id: streamId, take, seq: seq++, ...over } })
  const answers: Promise<string>[] = []
  let failure: unknown
  let settled = 0
  const watch = (p: Promise<string>) => {
    p.then(
      () => void settled++,
      (error: unknown) => {
        settled++
        failure ??= error
      },
    )
    answers.push(p)
  }
  watch(marker({ start: true }))
  const reader = readerOf(source)
  let text: string | undefined = ""
  let count = 0
  // A source that never yields again must not hold the stream open past an abort: reads race it.
  let onAbort: () => void = () => {}
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new ConduitError(ErrorCode.STREAM_ABORTED, "the stream publish was aborted"))
  })
  aborted.catch(() => {})
  if (options.signal?.aborted) onAbort()
  options.signal?.addEventListener("abort", onAbort, { once: true })
  let ending: { end: true } | { error: { code: string; message: string } } = { end: true }
  try {
    for (;;) {
      if (failure !== undefined) throw failure
      const { done, value } = await Promise.race([reader.next(), aborted])
      if (done) break
      const input = await topicInput(topic, value, options.runId === undefined ? {} : { runId: options.runId })
      watch(send({ ...input, stream: { id: streamId, take, seq: seq++ } }))
      count++
      text = text !== undefined && typeof value === "string" ? text + value : undefined
      // Back-pressure: a source faster than the gateway waits for the oldest unanswered chunk.
      if (answers.length - settled > MAX_UNANSWERED) await answers[settled]!.catch(() => {})
    }
  } catch (error) {
    ending = { error: streamErrorOf(error) }
    failure ??= error
    void reader.cancel(error) // not awaited: a source stuck in a read may never settle it
  } finally {
    options.signal?.removeEventListener("abort", onAbort)
  }
  answers.push(marker(ending))
  const outcomes = await Promise.allSettled(answers)
  if (failure !== undefined) throw failure
  const refused = outcomes.find((o) => o.status === "rejected")
  if (refused) throw refused.reason // the end marker
  const ids = outcomes.map((o) => (o as PromiseFulfilledResult<string>).value)
  return { streamId, take, ids, count, ...(text === undefined ? {} : { text }) }
}
