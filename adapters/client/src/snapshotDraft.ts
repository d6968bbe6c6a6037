import type { Envelope } from "@conduit/shared"
import { appendMessages, NO_MESSAGES } from "./appendMessages.ts"
import { assembleStreams } from "./assembleStreams.ts"
import type { Snapshot } from "./types.ts"

/** Fields of a snapshot that changed since the last one was emitted. */
export type SnapshotChanges = { -readonly [K in keyof Snapshot<Envelope>]?: Snapshot<Envelope>[K] }

/** The snapshot of a subscription before anything happened (also the SSR one); `reset` is the subscription's. */
export function emptySnapshot(reset: () => void): Snapshot<any> {
  return Object.freeze({
    connectionStatus: "idle",
    isPaused: false,
    pauseReason: null,
    runStatus: "unknown",
    messages: NO_MESSAGES,
    result: undefined,
    error: null,
    gap: null,
    lastEventId: null,
    reset,
  })
}

/**
 * The changes since the last emitted snapshot, and the next snapshot built
 * from them in one go: many messages and field changes between two emits
 * make one new snapshot (the store decides when, see `emitSchedule`).
 */
export class SnapshotDraft {
  /** Field changes so far (`messages` only after a reset: the emptied messages). */
  changes: SnapshotChanges = {}
  private added: Envelope[] = []
  /** Stream messages (chunks and markers) since the last snapshot, in order. */
  private streamed: Envelope[] = []

  patch(changes: SnapshotChanges): void {
    Object.assign(this.changes, changes)
  }

  /** A data message that passed its checks (a stream's chunk goes to `messages.streams` too). */
  add(message: Envelope): void {
    this.added.push(message)
    if (message.stream) this.streamed.push(message)
  }

  /** A stream's start, end or error marker: only `messages.streams` takes it. */
  addStreamMarker(envelope: Envelope): void {
    this.streamed.push(envelope)
  }

  /** Forgets the messages and stream messages not emitted yet (a reset). */
  dropPending(): void {
    this.added = []
    this.streamed = []
  }

  /** The snapshot after `snapshot` with every change applied, or null when nothing changed; the draft starts over. */
  next(snapshot: Snapshot<Envelope>, historyLimit: number): Snapshot<Envelope> | null {
    const { added, streamed, changes } = this
    if (added.length === 0 && streamed.length === 0 && Object.keys(changes).length === 0) return null
    this.added = []
    this.streamed = []
    this.changes = {}
    // After a reset the changes hold the emptied messages (streams too): append to those.
    const previous = changes.messages ?? snapshot.messages
    const messages = appendMessages(previous, added, historyLimit, assembleStreams(previous.streams, streamed, historyLimit))
    const next = { ...snapshot, ...changes, messages }
    const isPaused = next.connectionStatus === "paused"
    return Object.freeze({ ...next, isPaused, pauseReason: isPaused ? next.pauseReason : null })
  }
}
