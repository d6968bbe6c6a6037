import {
  CLOSE_EVENT,
  type CloseReason,
  ConduitError,
  compareIds,
  type Envelope,
  ERROR_EVENT,
  ErrorCode,
  GAP_EVENT,
  type GapEventData,
  isValidId,
  POSITION_EVENT,
  retryableCodes,
  RUN_EVENT,
  type RunEventData,
  type RunStatus,
} from "@conduit/shared"
import type { EventSourceMessage } from "eventsource-parser"
import { appendMessages, NO_MESSAGES } from "./appendMessages.ts"
import { backoffDelay } from "./backoffDelay.ts"
import { type Checked, checkMessage } from "./checkMessage.ts"
import { messageIterator } from "./messageIterator.ts"
import { openEventStream, type StreamEnd } from "./openEventStream.ts"
import { onVisibilityChange, pageHidden } from "./pageVisibility.ts"
import { sleep } from "./sleep.ts"
import { channelNameOf, subscribeUrl } from "./subscribeUrl.ts"
import type { ConnectionStatus, RealtimeSubscription, Snapshot, SubscribeOptions, TokenSource } from "./types.ts"

const SERVER_SNAPSHOT: Snapshot<any> = Object.freeze({
  connectionStatus: "idle",
  runStatus: "unknown",
  messages: NO_MESSAGES,
  result: undefined,
  error: null,
  gap: null,
  lastEventId: null,
})

/** Errors about the connection itself: cleared once a stream opens again. */
const CONNECTION_CODES = new Set<string>([...retryableCodes, ErrorCode.UNAUTHORIZED])

/** The subscription behind `subscribe(options)`: one stream, one snapshot, any number of listeners. */
export class RealtimeStore implements RealtimeSubscription<Envelope> {
  private snapshot: Snapshot<Envelope> = SERVER_SNAPSHOT
  private readonly listeners = new Set<() => void>()
  /** Changes since the last emitted snapshot. */
  private draft: { -readonly [K in keyof Snapshot<Envelope>]?: Snapshot<Envelope>[K] } = {}
  private added: Envelope[] = []
  private emitScheduled = false
  /** Id of the newest applied message: the dedupe bound and the resume point. */
  private lastId: string | null = null
  /** Messages waiting behind an asynchronous schema check, in arrival order. */
  private checking: Promise<void> | null = null
  private run: AbortController | null = null
  private attempt: AbortController | null = null
  private wakeBackoff: (() => void) | null = null
  private closeTimer: ReturnType<typeof setTimeout> | undefined
  private closed = false
  private closeReason: CloseReason | null = null
  private serverRetryMs: number | null = null
  /** A `Retry-After` the gateway sent with its last refusal. */
  private retryAfterMs = 0
  private token: TokenSource | undefined

  constructor(private readonly options: SubscribeOptions<any, any>) {
    this.token = options.token
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    clearTimeout(this.closeTimer)
    if (!this.run && !this.closed && this.options.enabled !== false) this.start()
    return () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0) return
      clearTimeout(this.closeTimer)
      this.closeTimer = setTimeout(() => this.stop("idle"), this.options.closeDelayMs ?? 100)
    }
  }

  getSnapshot = (): Snapshot<Envelope> => this.snapshot
  getServerSnapshot = (): Snapshot<Envelope> => SERVER_SNAPSHOT

  /** Replaces the token source used by the next connect (the stream is not restarted). */
  setToken(token: TokenSource | undefined): void {
    this.token = token
  }

  close = (): void => {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.closeTimer)
    this.stop("closed")
  }

  [Symbol.asyncIterator](): AsyncIterator<Envelope> {
    return messageIterator(this)
  }

  private start(): void {
    const run = new AbortController()
    this.run = run
    const stopWatching = onVisibilityChange(() => {
      if (pageHidden() && this.options.pauseWhenHidden !== false) this.attempt?.abort()
      else this.wakeBackoff?.()
    })
    void this.connectLoop(run.signal).finally(stopWatching)
  }

  private stop(status: ConnectionStatus): void {
    this.run?.abort()
    this.run = null
    this.wakeBackoff?.()
    if (this.snapshot.connectionStatus !== "error" || status === "closed") this.patch({ connectionStatus: status })
  }

  /** Connects, reads, reconnects with backoff, until stopped or refused for good. */
  private async connectLoop(signal: AbortSignal): Promise<void> {
    let failures = 0
    while (!signal.aborted) {
      if (pageHidden() && this.options.pauseWhenHidden !== false) {
        this.patch({ connectionStatus: "paused" })
        await this.pause(Number.POSITIVE_INFINITY, signal)
        continue
      }
      this.patch({ connectionStatus: "connecting" })
      const end = await this.connectOnce(signal)
      if (signal.aborted) return
      if (end === "opened") failures = 0
      else if (end === "refused") return
      else if (end === "paused") continue
      const delay = end === "quick" ? 0 : Math.max(this.backoff(failures++), this.retryAfterMs)
      this.retryAfterMs = 0
      await this.pause(delay, signal)
    }
  }

  /**
   * One connect: token, fetch, read until the stream ends. `opened` when it
   * ran long enough to count as healthy, `quick` when the gateway asked for an
   * immediate reconnect, `retry` after a retryable failure, `refused` after one
   * that retrying cannot fix.
   */
  private async connectOnce(signal: AbortSignal): Promise<"opened" | "quick" | "retry" | "refused" | "paused"> {
    const attempt = new AbortController()
    const forward = () => attempt.abort()
    signal.addEventListener("abort", forward)
    this.attempt = attempt
    try {
      let token: string | undefined
      try {
        token = typeof this.token === "function" ? await this.token() : this.token
      } catch (cause) {
        const message = cause instanceof Error ? cause.message : String(cause)
        this.fail(cause instanceof ConduitError ? cause : new ConduitError(ErrorCode.UNAUTHORIZED, `token factory failed: ${message}`, { cause }))
        return "retry"
      }
      if (attempt.signal.aborted) return "paused"
      this.closeReason = null
      let openedAt = 0
      const end = await openEventStream({
        url: this.url(),
        headers: this.headers(token),
        fetch: this.options.fetch ?? globalThis.fetch.bind(globalThis),
        signal: attempt.signal,
        inactivityMs: 2 * (this.options.heartbeatMs ?? 15_000) + 5_000,
        onOpen: () => {
          openedAt = Date.now()
          this.opened()
        },
        onEvent: (event) => this.receive(event),
        onRetry: (ms) => {
          this.serverRetryMs = ms
        },
      })
      return this.outcome(end, openedAt, typeof this.token === "function")
    } finally {
      signal.removeEventListener("abort", forward)
      if (this.attempt === attempt) this.attempt = null
    }
  }

  private outcome(end: StreamEnd, openedAt: number, canRefresh: boolean): "opened" | "quick" | "retry" | "refused" | "paused" {
    if (end.kind === "aborted") return "paused"
    if (end.kind === "failed") {
      const retryable = retryableCodes.has(end.error.code) && (end.error.code !== ErrorCode.TOKEN_EXPIRED || canRefresh)
      this.fail(end.error, !retryable)
      this.retryAfterMs = Number(end.error.details.retryAfterMs) || 0
      if (!retryable) return "refused"
      return end.error.code === ErrorCode.TOKEN_EXPIRED ? "quick" : "retry"
    }
    const healthy = openedAt > 0 && Date.now() - openedAt >= this.baseDelay()
    if (healthy && (this.closeReason === "token_expired" || this.closeReason === "slow_consumer")) return "quick"
    if (this.closeReason) this.patch({ connectionStatus: "connecting" })
    return healthy ? "opened" : "retry"
  }

  private url(): string {
    const { options } = this
    const from = options.from ?? "all"
    const start = this.lastId ? "none" : from === "all" || from === "none" ? from : { after: from }
    return subscribeUrl(options.url, channelNameOf(options.channel), options.topics, start)
  }

  private headers(token: string | undefined): Record<string, string> {
    const headers: Record<string, string> = {}
    if (token) headers.Authorization = `Bearer ${token}`
    if (this.lastId) headers["Last-Event-ID"] = this.lastId
    return headers
  }

  private baseDelay(): number {
    return this.serverRetryMs ?? this.options.backoff?.initialMs ?? 1000
  }

  private backoff(failures: number): number {
    return backoffDelay(failures, this.baseDelay(), this.options.backoff?.maxMs ?? 30_000)
  }

  private async pause(ms: number, signal: AbortSignal): Promise<void> {
    const wait = sleep(ms, signal)
    this.wakeBackoff = wait.wake
    await wait.done
    if (this.wakeBackoff === wait.wake) this.wakeBackoff = null
  }

  private opened(): void {
    const error = this.draft.error === undefined ? this.snapshot.error : this.draft.error
    this.patch({ connectionStatus: "open", ...(error && CONNECTION_CODES.has(error.code) ? { error: null } : {}) })
  }

  private fail(error: ConduitError, final = false): void {
    this.patch(final ? { error, connectionStatus: "error" } : { error })
  }

  private receive(event: EventSourceMessage): void {
    switch (event.event) {
      case CLOSE_EVENT:
        this.closeReason = (parseJson(event.data) as { reason?: CloseReason } | undefined)?.reason ?? "shutdown"
        return
      case GAP_EVENT:
        return this.inOrder(() => this.patch({ gap: parseJson(event.data) as GapEventData }))
      case POSITION_EVENT:
        return this.inOrder(() => this.moveTo(event.id))
      case ERROR_EVENT: {
        const data = parseJson(event.data) as { code?: ErrorCode; message?: string } | undefined
        return this.inOrder(() => this.fail(new ConduitError(data?.code ?? ErrorCode.PROTOCOL, data?.message ?? event.data)))
      }
    }
    const envelope = parseJson(event.data) as Envelope | undefined
    if (!envelope || typeof envelope.id !== "string" || typeof envelope.topic !== "string") {
      return this.inOrder(() => this.fail(new ConduitError(ErrorCode.PROTOCOL, `unreadable ${event.event ?? "message"} frame`)))
    }
    if (event.event === RUN_EVENT || envelope.kind === "run") return this.inOrder(() => this.applyRun(envelope))
    this.inOrder(() => this.check(envelope))
  }

  /**
   * Runs `step` now, or after every message still waiting for an
   * asynchronous schema check, so messages apply in arrival order.
   */
  private inOrder(step: () => void | Promise<void>): void {
    const track = (pending: Promise<void>) => {
      const next: Promise<void> = pending.finally(() => {
        if (this.checking === next) this.checking = null
      })
      this.checking = next
    }
    if (this.checking) return track(this.checking.then(step))
    const result = step()
    if (result instanceof Promise) track(result)
  }

  private check(envelope: Envelope): void | Promise<void> {
    if (this.isDuplicate(envelope.id)) return
    const checked = checkMessage(this.options.channel, envelope)
    if (checked instanceof Promise) return checked.then((c) => this.applyChecked(envelope.id, c))
    this.applyChecked(envelope.id, checked)
  }

  private isDuplicate(id: string): boolean {
    return this.lastId !== null && isValidId(id) && isValidId(this.lastId) && compareIds(id, this.lastId) <= 0
  }

  private applyChecked(id: string, checked: Checked): void {
    if (this.isDuplicate(id)) return
    this.lastId = id
    if (checked.ok) this.added.push(checked.message)
    else this.draft.error = checked.error
    this.patch({ lastEventId: id })
  }

  /**
   * `$position`: the stream carries everything after this id, so a reconnect
   * resumes there. It replaces the last id even when lower: after a `$gap` for a
   * resume point the channel never reached, the messages that follow are new.
   */
  private moveTo(id: string | undefined): void {
    if (!isValidId(id)) return
    this.lastId = id
    this.patch({ lastEventId: id })
  }

  private applyRun(envelope: Envelope): void {
    if (this.isDuplicate(envelope.id)) return
    this.lastId = envelope.id
    const run = envelope.data as RunEventData
    const patch: typeof this.draft = { lastEventId: envelope.id, runStatus: run.status as RunStatus }
    if (run.status === "completed") patch.result = run.result
    if (run.status === "failed") {
      const message = run.error?.message ?? "the run failed"
      patch.error = new ConduitError(ErrorCode.RUN_FAILED, message, { details: { runId: envelope.runId, cause: run.error } })
    }
    this.patch(patch)
  }

  /** Records changes; listeners get one new snapshot per microtask. */
  private patch(changes: typeof this.draft): void {
    Object.assign(this.draft, changes)
    if (this.emitScheduled) return
    this.emitScheduled = true
    queueMicrotask(() => this.emit())
  }

  private emit(): void {
    this.emitScheduled = false
    const added = this.added
    this.added = []
    const messages = appendMessages(this.snapshot.messages, added, this.options.historyLimit ?? 1000)
    this.snapshot = Object.freeze({ ...this.snapshot, ...this.draft, messages })
    this.draft = {}
    for (const listener of [...this.listeners]) listener()
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
