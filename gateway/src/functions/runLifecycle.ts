import { type FinishedRunStatus, type PublishInput, RUN_TOPIC, type RunEventData, type RunWaiting, type TopicRef } from "@conduit/shared"
import type { RunStore } from "./RunStore.ts"

/** How the runtime reaches the gateway: the `Conduit`'s own publish, either transport. */
export interface RunPublisher {
  /** A topic message, validated against the topic's schema before sending. */
  publish(topic: TopicRef, data: unknown, options: { runId: string; idempotencyKey?: string }): Promise<{ id: string }>
  /** Raw inputs in one request (`$run` messages: no topic schema). */
  publishRaw(inputs: PublishInput[]): Promise<string[]>
}

const BATCH = 500

type TerminalData = Omit<RunEventData, "functionId" | "attempt"> & { status: FinishedRunStatus }

/**
 * The `$run` messages of one run, on every channel it touched. Each carries
 * an idempotency key (`runId:$run:running:<attempt>`, `…:waiting:<attempt>:<step>`,
 * `…:running:<attempt>:<step>` when it goes on after that step, `runId:$run:completed`,
 * …), so a node that retries a lifecycle publish, or a second node finishing
 * the same run, never shows a subscriber a status twice.
 */
export class RunLifecycle {
  private readonly channels: Set<string>
  // Channels being announced: concurrent first publishes to one channel wait for the same `running`.
  private readonly announcing = new Map<string, Promise<void>>()
  private attempt = 0

  constructor(
    private readonly publisher: RunPublisher,
    private readonly store: RunStore,
    private readonly runId: string,
    private readonly functionId: string,
    channels: readonly string[],
  ) {
    this.channels = new Set(channels)
  }

  /** `running` for this attempt on every channel known so far. */
  async startAttempt(attempt: number): Promise<void> {
    this.attempt = attempt
    this.announcing.clear()
    const data: RunEventData = { status: "running", functionId: this.functionId, attempt }
    await this.send([...this.channels], data, `running:${attempt}`)
    for (const channel of this.channels) this.announcing.set(channel, Promise.resolve())
  }

  /** An execution that goes on with an attempt parked earlier: its channels were told `running` already. */
  continueAttempt(attempt: number): void {
    this.attempt = attempt
    this.announcing.clear()
    for (const channel of this.channels) this.announcing.set(channel, Promise.resolve())
  }

  /** `waiting` on every channel: the run parked on a step. */
  waiting(waiting: RunWaiting): Promise<void> {
    const data: RunEventData = { status: "waiting", functionId: this.functionId, attempt: this.attempt, waiting }
    return this.send([...this.channels], data, `waiting:${this.attempt}:${waiting.step}`)
  }

  /** `running` again on every channel: the step the run was parked on is over. */
  resumed(stepId: string): Promise<void> {
    const data: RunEventData = { status: "running", functionId: this.functionId, attempt: this.attempt }
    return this.send([...this.channels], data, `running:${this.attempt}:${stepId}`)
  }

  /** Called before each publish: a channel seen for the first time is recorded and told `running`. */
  touch(channel: string): Promise<void> {
    let pending = this.announcing.get(channel)
    if (!pending) {
      pending = this.announce(channel)
      this.announcing.set(channel, pending)
      // A failed announcement is retried by the next publish to that channel.
      pending.catch(() => this.announcing.delete(channel))
    }
    return pending
  }

  /** The terminal status on every channel the run touched (nothing when it touched none). */
  finish(data: TerminalData): Promise<void> {
    // A run cancelled before its first attempt has no attempt to report.
    const full: RunEventData = { ...data, functionId: this.functionId, ...(this.attempt > 0 ? { attempt: this.attempt } : {}) }
    return this.send([...this.channels], full, data.status)
  }

  private async announce(channel: string): Promise<void> {
    if (!this.channels.has(channel)) {
      await this.store.addChannels(this.runId, [channel])
      this.channels.add(channel)
    }
    const data: RunEventData = { status: "running", functionId: this.functionId, attempt: this.attempt }
    await this.send([channel], data, `running:${this.attempt}`)
  }

  private async send(channels: string[], data: RunEventData, key: string): Promise<void> {
    const inputs = channels.map((channel) => ({
      channel,
      topic: RUN_TOPIC,
      data,
      runId: this.runId,
      idempotencyKey: `${this.runId}:${RUN_TOPIC}:${key}`,
    }))
    // Within the gateway's batch limit; a repeat of a chunk is harmless (idempotency keys).
    for (let i = 0; i < inputs.length; i += BATCH) await this.publisher.publishRaw(inputs.slice(i, i + BATCH))
  }
}
