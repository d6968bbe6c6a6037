import { ConduitError, ErrorCode, type TopicRef } from "@conduit/shared"
import { newStreamId, type PublishedStream, publishStream, type StreamSource } from "../sdk/publishStream.ts"
import type { RunPublisher } from "./runLifecycle.ts"

/**
 * The streams one execution of a run publishes. Their ids are stable across
 * the run's executions (`runId:publish:<n>` for the n-th plain `publish` of
 * a stream, `runId:<stepId>` for `step.realtime.stream`), and each execution
 * publishes its own take: when a retry publishes the stream again, its take
 * replaces the failed attempt's on every subscriber (no doubled text). When
 * an execution ends with a stream still being read (the handler did not
 * await it), it is waited for, or, if the execution failed, aborted: its
 * error marker says `ERR_STREAM_ABORTED`.
 */
export class RunStreams {
  private readonly open = new Set<Promise<unknown>>()
  private readonly aborts = new AbortController()
  private plain = 0

  constructor(
    private readonly publisher: RunPublisher,
    private readonly runId: string,
    /** The run's cancel signal. */
    private readonly signal: AbortSignal,
  ) {}

  /** The stream id of the next plain `publish(topicRef, stream)` of this execution. */
  nextPlainId(): string {
    return `${this.runId}:publish:${++this.plain}`
  }

  /** Publishes a stream, after `before` (the run's `running` on a new channel); tracked from this call on. */
  publish(topic: TopicRef, source: StreamSource<unknown>, streamId: string, before: () => Promise<void>): Promise<PublishedStream> {
    const send = async (input: Parameters<RunPublisher["publishRaw"]>[0][number]) => (await this.publisher.publishRaw([input]))[0]!
    const options = { runId: this.runId, streamId, take: newStreamId(), signal: AbortSignal.any([this.signal, this.aborts.signal]) }
    const published = before().then(() => publishStream(send, topic, source, options))
    this.open.add(published)
    void published.then(
      () => this.open.delete(published),
      () => this.open.delete(published),
    )
    return published
  }

  /** After the handler: waits for streams still open, aborting them first when the execution failed. */
  async settle(failed: boolean): Promise<void> {
    if (failed) this.aborts.abort(new ConduitError(ErrorCode.STREAM_ABORTED, "the run's attempt ended before its stream"))
    await Promise.allSettled([...this.open])
  }
}
