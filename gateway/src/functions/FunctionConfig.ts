import type { ChannelInstance, TopicInput, TopicRef } from "@conduit/shared"
import type { PublishedStream, StreamSource } from "../sdk/publishStream.ts"
import type { EventMatch } from "./eventMatch.ts"
import type { Duration } from "./parseDuration.ts"
import type { RunEvent } from "./RunStore.ts"

/** An event name that starts a run of the function. */
export interface FunctionTrigger {
  event: string
}

/** What `conduit.createFunction` takes besides the handler. */
export interface FunctionConfig<TData = Record<string, any>> {
  /** Unique among the functions of one `Conduit`; sent as `functionId` in `$run` data. */
  id: string
  /** Events that start a run; `conduit.send({ name })` starts one run per function it triggers. */
  triggers: readonly FunctionTrigger[]
  /**
   * Retries after a failed attempt: `retries: 3` allows 4 attempts. Errors
   * that would fail the same way again (ERR_VALIDATION and other 4xx codes,
   * ERR_RUN_FAILED) end the run at once.
   * @default 3
   */
  retries?: number
  /**
   * Channels that get `$run` messages from the first `running` on, before the
   * run publishes anything there (a subscriber that opened the run's channel
   * early sees it start). Called once per run, when it is sent. Channels the
   * run publishes to are added as it touches them either way.
   * @default none: only channels the run publishes to
   */
  channels?: (context: { event: RunEvent<TData>; runId: string }) => ReadonlyArray<ChannelInstance | string>
  /**
   * Runs of this function one process executes at once (a parked run, asleep
   * or waiting for an event, takes no slot). In Redis mode every process
   * that registered the function is a BullMQ worker with this concurrency.
   * @default 10
   */
  concurrency?: number
}

/** What `step.waitForEvent` waits for. */
export interface WaitForEventOptions<TData = any> {
  /** The event name, as `conduit.send({ name })` or `POST /v1/events` sends it. */
  event: string
  /**
   * Which event of that name: a dotted path (`"data.postId"`) whose value
   * must equal the same path in the event that started the run, or a
   * predicate. A path is checked by the sender (a non-matching event never
   * wakes the run); a predicate runs in the run, which wakes for every event
   * of the name. @default the first event of that name
   */
  match?: EventMatch<TData>
  /** How long to wait: ms or `"30s"`, `"15m"`, `"1h"`, `"7d"`. Past it the step returns null. */
  timeout: Duration
}

/** The v3 form of a publish: `publish({ channel: "user:123", topic: "ai", data })`. */
export interface PublishMessage {
  /** A channel name (its data is not checked here) or an instance (the topic's schema checks it). */
  channel: ChannelInstance<any> | string
  topic: string
  data: unknown
}

/**
 * `publish(topicRef, data)`, or `publish({ channel, topic, data })`:
 * validated, immediate, sent again by every attempt that reaches it. Given a
 * `ReadableStream` or `AsyncIterable`, it publishes a stream (`StreamTag`)
 * under an id stable across attempts (`runId:publish:<n>`, the n-th stream
 * this execution publishes): a retry's new take replaces the failed
 * attempt's, so subscribers never see it twice.
 */
export interface RunPublish {
  <R extends TopicRef>(topic: R, stream: StreamSource<TopicInput<R>>): Promise<PublishedStream>
  <R extends TopicRef>(topic: R, data: TopicInput<R>): Promise<{ id: string }>
  (message: PublishMessage): Promise<{ id: string }>
}

/** What `step.realtime.stream` returns (and memoizes): the stream and what it carried. */
export type RunStreamResult = Omit<PublishedStream, "ids">

/** Durable building blocks: each is memoized per run under its id. */
export interface Step {
  /**
   * Runs `fn` once per run: after it succeeded, retries get its stored result
   * without running it. The result goes through JSON (as it would through any
   * shared store), so a `Date` comes back as a string, on every attempt alike.
   * An id repeated within one attempt is numbered (`id`, `id:2`, …).
   */
  run<T>(id: string, fn: () => T | Promise<T>): Promise<Awaited<T>>
  /**
   * Waits once per run (ms or `"30s"`, `"1h"`, …). The run is parked, no
   * process holds it: the handler runs again from the top when the time is
   * up, memoized steps return their results, and this step returns.
   */
  sleep(id: string, duration: Duration): Promise<void>
  /**
   * Parks the run until a matching event is sent (from any node, or `POST
   * /v1/events`), and returns it; null once `timeout` passed. Memoized: a
   * retry gets the same event. Only events sent after the wait began count.
   */
  waitForEvent<TEventData = any>(id: string, options: WaitForEventOptions<TEventData>): Promise<RunEvent<TEventData> | null>
  realtime: {
    /**
     * Publishes once per run, with `idempotencyKey = runId:stepId`: retries,
     * and even a crash between publishing and memoizing, deliver it once.
     */
    publish<R extends TopicRef>(id: string, topic: R, data: TopicInput<R>): Promise<{ id: string }>
    /**
     * Streams `source` (a `ReadableStream` or `AsyncIterable` of chunks) to
     * a topic once per run, as stream `runId:stepId`: once it finished, its
     * result (`{ streamId, take, count, text? }`) is memoized and retries do
     * not stream it again. A failed or interrupted attempt's take is replaced
     * by the next attempt's (subscribers show one copy, never both).
     */
    stream<R extends TopicRef>(id: string, topic: R, source: StreamSource<TopicInput<R>>): Promise<RunStreamResult>
  }
}

/** What a handler receives. */
export interface HandlerContext<TData = Record<string, any>> {
  event: RunEvent<TData>
  step: Step
  publish: RunPublish
  runId: string
  /** 1 on the first attempt. */
  attempt: number
  /** Aborted when the run is cancelled: pass it to fetch and the like to stop work inside a step. */
  signal: AbortSignal
}

/** The function body. Its return value (JSON) is the run's result, sent in `$run` `completed`. */
export type FunctionHandler<TData = Record<string, any>, TResult = unknown> = (
  context: HandlerContext<TData>,
) => TResult | Promise<TResult>

/** A registered function, as `createFunction` returns it. */
export interface ConduitFunction {
  readonly id: string
  readonly triggers: readonly FunctionTrigger[]
  readonly retries: number
  readonly concurrency: number
}

/** What `conduit.send` takes. */
export interface SendEvent<TData = unknown> {
  name: string
  /** JSON. @default {} */
  data?: TData
}
