import {
  type ChannelInstance,
  ConduitError,
  type Envelope,
  ErrorCode,
  isStreamMarker,
  retryableCodes,
  sleep,
} from "@conduit/shared"
import type { EventSourceMessage } from "eventsource-parser"
import { NO_MESSAGES } from "./appendMessages.ts"
import { createEmitSchedule, type EmitSchedule } from "./emitSchedule.ts"
import { type Checked, checkMessage } from "./checkMessage.ts"
import { connectRequest } from "./connectRequest.ts"
import { connectTarget, type ConnectTarget } from "./connectTarget.ts"
import { messageIterator } from "./messageIterator.ts"
import { openEventStream, type StreamEnd } from "./openEventStream.ts"
import { protocolEvent } from "./protocolEvent.ts"
import { createInOrder } from "./inOrder.ts"
import { onOnline } from "./networkStatus.ts"
import { onVisibilityChange, pageHidden, whenVisible } from "./pageVisibility.ts"
import { createReadGate } from "./readGate.ts"
import { resolveToken } from "./resolveToken.ts"
import { ResumePoint } from "./resumePoint.ts"
import { runChanges } from "./runChanges.ts"
import { type AttemptEnd, ReconnectSchedule } from "./reconnectSchedule.ts"
import { type Settings, settingsOf } from "./settingsOf.ts"
import { emptySnapshot, type SnapshotChanges, SnapshotDraft } from "./snapshotDraft.ts"
import { StreamRetry } from "./streamRetry.ts"
import type { ConnectionStatus, RealtimeSubscription, Snapshot, SubscribeOptions, TokenSource } from "./types.ts"

/** A subscription's first snapshot, and its snapshot during server rendering: idle and empty. */

/** Errors about the connection itself: cleared once a stream opens again. */
const CONNECTION_CODES = new Set<string>([...retryableCodes, ErrorCode.UNAUTHORIZED])

/** The subscription behind `subscribe(options)`: one stream, one snapshot, any number of listeners. */
export class RealtimeStore implements RealtimeSubscription<Envelope> {
  private readonly settings: Settings
  private readonly initial: Snapshot<Envelope>
  private snapshot: Snapshot<Envelope>
  private readonly listeners = new Set<() => void>()
  /** Changes since the last emitted snapshot. */
  private readonly draft = new SnapshotDraft()
  private readonly emits: EmitSchedule
  /** The newest applied message's id: the dedupe bound and where a reconnect resumes. */
  private readonly position = new ResumePoint()
  /** Applies frames in arrival order, also behind an asynchronous schema check. */
  private readonly inOrder = createInOrder()
  private run: AbortController | null = null
  private attempt: AbortController | null = null
  private wakeBackoff: (() => void) | null = null
  private closeTimer: ReturnType<typeof setTimeout> | undefined
  private closed = false
  /** The gateway's `retry:` fields and the current stream's `$close` reason. */
  private readonly streamRetry = new StreamRetry()
  private token: TokenSource | undefined
  /** Held by iterators whose buffer is full: the stream is not read meanwhile. */
  private readonly readGate = createReadGate()
  /** The channel messages are checked against: the options' or, without one, the token object's. */
  private channel: ChannelInstance<any> | string | undefined

  constructor(private readonly options: SubscribeOptions<any, any>) {
    this.settings = settingsOf(options)
    this.initial = emptySnapshot(this.reset)
    this.snapshot = this.initial
    this.channel = options.channel
    this.token = options.token
    this.emits = createEmitSchedule(options.bufferInterval ?? 0, () => this.emit())
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    clearTimeout(this.closeTimer)
    if (this.options.enabled === false) {
      if (!this.closed) this.patch({ connectionStatus: "paused", pauseReason: "disabled" })
    } else if (!this.run && !this.closed) this.start()
    return () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0) return
      clearTimeout(this.closeTimer)
      this.closeTimer = setTimeout(() => this.stop("idle"), this.options.closeDelayMs ?? 100)
    }
  }

  getSnapshot = (): Snapshot<Envelope> => this.snapshot
  getServerSnapshot = (): Snapshot<Envelope> => this.initial

  /** Replaces the token source used by the next connect (the stream is not restarted). */
  setToken(token: TokenSource | undefined): void {
    this.token = token
  }

  reset = (): void => {
    this.draft.dropPending()
    this.patch({ messages: NO_MESSAGES, runStatus: "unknown", result: undefined, error: null, gap: null })
  }

  close = (): void => {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.closeTimer)
    this.stop("closed")
    this.emits.now()
  }

  [Symbol.asyncIterator](): AsyncIterator<Envelope> {
    return messageIterator(this, {
      gate: this.readGate,
      maxBuffered: this.options.maxBuffered ?? 1000,
      untilRunEnds: this.settings.untilRunEnds,
    })
  }

  private start(): void {
    const run = new AbortController()
    this.run = run
    const stopWatching = onVisibilityChange(() => {
      if (this.pausedWhileHidden()) this.attempt?.abort()
      else this.wakeBackoff?.()
    })
    // Back online: a reconnect waiting out its backoff tries now.
    const stopListening = onOnline(() => this.wakeBackoff?.())
    void this.connectLoop(run.signal).finally(() => {
      stopWatching()
      stopListening()
    })
  }

  private stop(status: ConnectionStatus): void {
    this.run?.abort()
    this.run = null
    this.wakeBackoff?.()
    if (this.snapshot.connectionStatus !== "error" || status === "closed") this.patch({ connectionStatus: status })
  }

  private pausedWhileHidden(): boolean {
    return pageHidden() && this.settings.pauseOnHidden
  }

  /** Connects, reads, reconnects with backoff, until stopped or refused for good. */
  private async connectLoop(signal: AbortSignal): Promise<void> {
    const schedule = new ReconnectSchedule({ maxMs: this.settings.backoff.maxMs })
    while (!signal.aborted) {
      if (this.pausedWhileHidden()) {
        this.patch({ connectionStatus: "paused", pauseReason: "hidden" })
        await whenVisible(signal)
        continue
      }
      this.patch({ connectionStatus: "connecting" })
      const end = await this.connectOnce(signal)
      if (signal.aborted || end === "refused") return
      if (end === "paused") continue
      if (!this.settings.reconnect) return this.endWithoutReconnect()
      await this.pause(schedule.next(end, this.baseDelay()), signal)
    }
  }

  /**
   * One connect: token, fetch, read until the stream ends. How it ended, for
   * the reconnect schedule; `refused` after a failure retrying cannot fix,
   * `paused` when it was stopped (page hidden, subscription closed).
   */
  private async connectOnce(signal: AbortSignal): Promise<AttemptEnd | "refused" | "paused"> {
    const attempt = new AbortController()
    const forward = () => attempt.abort()
    signal.addEventListener("abort", forward)
    this.attempt = attempt
    try {
      let token: string | undefined
      let target: ConnectTarget
      try {
        const credential = await resolveToken(this.token)
        token = credential.key
        target = connectTarget(this.options, credential)
      } catch (cause) {
        if (cause instanceof ConduitError && cause.code === ErrorCode.CONFIG) {
          this.fail(cause, true)
          return "refused"
        }
        const message = cause instanceof Error ? cause.message : String(cause)
        this.fail(cause instanceof ConduitError ? cause : new ConduitError(ErrorCode.UNAUTHORIZED, `token factory failed: ${message}`, { cause }))
        return { healthy: false, quick: false, closeReason: null, closeRetryMs: null, retryAfterMs: 0 }
      }
      if (attempt.signal.aborted) return "paused"
      this.channel = target.channel
      this.streamRetry.begin()
      let openedAt = 0
      const end = await openEventStream({
        ...connectRequest(target, token, this.position.lastId, this.options.from),
        fetch: this.options.fetch ?? globalThis.fetch.bind(globalThis),
        signal: attempt.signal,
        inactivityMs: 2 * (this.options.heartbeatMs ?? 15_000) + 5_000,
        gate: this.readGate,
        onOpen: () => {
          // A stream refused in its first bytes ($close broker_unavailable at once) never counts as open.
          if (this.streamRetry.closeReason !== null) return
          openedAt = Date.now()
          this.opened()
        },
        onEvent: (event) => this.receive(event),
        onRetry: (ms) => this.streamRetry.retry(ms),
      })
      this.streamRetry.end()
      return this.outcome(end, openedAt, typeof this.token === "function")
    } finally {
      signal.removeEventListener("abort", forward)
      if (this.attempt === attempt) this.attempt = null
    }
  }

  private outcome(end: StreamEnd, openedAt: number, canRefresh: boolean): AttemptEnd | "refused" | "paused" {
    if (end.kind === "aborted") return "paused"
    if (end.kind === "failed") {
      const retryable = retryableCodes.has(end.error.code) && (end.error.code !== ErrorCode.TOKEN_EXPIRED || canRefresh)
      this.fail(end.error, !retryable)
      if (!retryable) return "refused"
      const retryAfterMs = Number(end.error.details.retryAfterMs) || 0
      // An expired token: the factory's next one should do, at once (once: see ReconnectSchedule).
      return { healthy: false, quick: end.error.code === ErrorCode.TOKEN_EXPIRED, closeReason: null, closeRetryMs: null, retryAfterMs }
    }
    const { closeReason, closeRetryMs } = this.streamRetry
    if (closeReason) this.patch({ connectionStatus: "connecting" })
    return {
      healthy: openedAt > 0 && Date.now() - openedAt >= this.baseDelay(),
      quick: closeReason === "token_expired" || closeReason === "slow_consumer",
      closeReason,
      closeRetryMs,
      retryAfterMs: 0,
    }
  }

  /** `reconnect: false`: the stream ended (closed) or failed (error, kept), and stays so. */
  private endWithoutReconnect(): void {
    const failed = this.draft.changes.connectionStatus === "error" || this.snapshot.connectionStatus === "error"
    this.closed = true
    this.run = null
    if (!failed) this.patch({ connectionStatus: "closed" })
    this.emits.now()
  }

  private baseDelay(): number {
    return this.streamRetry.baseMs ?? this.settings.backoff.initialMs
  }

  private async pause(ms: number, signal: AbortSignal): Promise<void> {
    const wait = sleep(ms, signal)
    this.wakeBackoff = wait.wake
    await wait.done
    if (this.wakeBackoff === wait.wake) this.wakeBackoff = null
  }

  private opened(): void {
    const { changes } = this.draft
    const error = changes.error === undefined ? this.snapshot.error : changes.error
    const cleared = error && CONNECTION_CODES.has(error.code) ? { error: null } : {}
    // Its first bytes may have ended the run already (a replay, autoCloseOnTerminal): closed stays closed.
    this.patch(this.closed ? cleared : { connectionStatus: "open", ...cleared })
  }

  private fail(error: ConduitError, final = false): void {
    this.patch(final ? { error, connectionStatus: "error" } : { error })
  }

  private receive(event: EventSourceMessage): void {
    const reason = this.streamRetry.event(event.event, event.data)
    const read = protocolEvent(event)
    switch (read.kind) {
      case "close":
        // Shown until a stream opens again: while Redis is down every attempt ends like this.
        if (reason === "broker_unavailable") {
          this.inOrder(() => this.fail(new ConduitError(ErrorCode.BROKER_UNAVAILABLE, "the gateway's broker is unavailable; retrying")))
        }
        return
      case "gap":
        return this.inOrder(() => this.patch({ gap: read.gap }))
      case "position":
        return this.inOrder(() => this.moveTo(read.id))
      case "error":
        return this.inOrder(() => this.fail(read.error))
      case "run":
        return this.inOrder(() => this.applyRun(read.envelope))
      case "message":
        return this.inOrder(() => this.check(read.envelope))
    }
  }

  private check(envelope: Envelope): void | Promise<void> {
    if (this.position.seen(envelope.id)) return
    // A stream's start, end or error marker carries no chunk (data null): only `messages.streams` takes it.
    if (envelope.stream && isStreamMarker(envelope.stream)) return this.applyStreamMarker(envelope)
    const checked: Checked | Promise<Checked> = this.settings.validate ? checkMessage(this.channel!, envelope) : { ok: true, message: envelope }
    if (checked instanceof Promise) return checked.then((c) => this.applyChecked(envelope.id, c))
    this.applyChecked(envelope.id, checked)
  }

  private applyChecked(id: string, checked: Checked): void {
    if (this.position.seen(id)) return
    this.position.advance(id)
    if (checked.ok) this.draft.add(checked.message)
    else this.draft.patch({ error: checked.error })
    this.patch({ lastEventId: id })
  }

  private applyStreamMarker(envelope: Envelope): void {
    this.position.advance(envelope.id)
    this.draft.addStreamMarker(envelope)
    this.patch({ lastEventId: envelope.id })
  }

  private moveTo(id: string | undefined): void {
    if (this.position.moveTo(id)) this.patch({ lastEventId: id })
  }

  private applyRun(envelope: Envelope): void {
    if (this.position.seen(envelope.id)) return
    this.position.advance(envelope.id)
    const { changes, ends } = runChanges(envelope)
    // The end of a run gets a snapshot of its own, so an iterator that stops there
    // gets exactly the messages before it.
    if (ends) this.emits.now()
    this.patch(changes)
    if (ends) this.emits.now()
    if (ends && this.settings.autoCloseOnTerminal) this.close()
  }

  /** Records changes; listeners get one new snapshot per microtask, or per `bufferInterval`. */
  private patch(changes: SnapshotChanges): void {
    this.draft.patch(changes)
    this.emits.request()
  }

  private emit(): void {
    const next = this.draft.next(this.snapshot, this.settings.historyLimit)
    if (!next) return
    this.snapshot = next
    for (const listener of [...this.listeners]) listener()
  }
}
