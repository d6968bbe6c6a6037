import type { Envelope } from "@conduit/shared"
import { describe, expect, it } from "vitest"
import { NO_MESSAGES } from "./appendMessages.ts"
import { emptySnapshot, SnapshotDraft } from "./snapshotDraft.ts"
import type { Snapshot } from "./types.ts"

const initial: Snapshot<Envelope> = emptySnapshot(() => {})
const message = (n: number, topic = "t"): Envelope => ({ id: `${n}-0`, channel: "c", topic, data: n, createdAt: "", kind: "data" })

describe("SnapshotDraft", () => {
  it("builds one frozen snapshot from every change since the last, then starts over", () => {
    const draft = new SnapshotDraft()
    expect(draft.next(initial, 1000)).toBeNull() // nothing changed: no new snapshot
    draft.add(message(1))
    draft.add(message(2, "u"))
    draft.patch({ connectionStatus: "open", lastEventId: "2-0" })
    const next = draft.next(initial, 1000)!
    expect(Object.isFrozen(next)).toBe(true)
    expect(next.messages.all.map((m) => m.data)).toEqual([1, 2])
    expect(next.messages.delta).toHaveLength(2)
    expect(next).toMatchObject({ connectionStatus: "open", lastEventId: "2-0" })
    expect(draft.next(next, 1000)).toBeNull()
  })

  it("derives isPaused and drops the pause reason once not paused; keeps at most the history limit", () => {
    const draft = new SnapshotDraft()
    draft.patch({ connectionStatus: "paused", pauseReason: "hidden" })
    const paused = draft.next(initial, 2)!
    expect(paused).toMatchObject({ isPaused: true, pauseReason: "hidden" })
    for (const n of [1, 2, 3]) draft.add(message(n))
    draft.patch({ connectionStatus: "open" })
    const open = draft.next(paused, 2)!
    expect(open).toMatchObject({ isPaused: false, pauseReason: null })
    expect(open.messages.all.map((m) => m.data)).toEqual([2, 3])
  })

  it("a reset empties messages and drops what was not emitted (stream messages too); a stream marker reaches only streams", () => {
    const draft = new SnapshotDraft()
    draft.add(message(1))
    const one = draft.next(initial, 1000)!
    draft.add(message(2))
    draft.addStreamMarker({ ...message(2), data: null, stream: { id: "s0", take: "a", seq: 0, start: true } } as Envelope)
    draft.dropPending()
    draft.patch({ messages: NO_MESSAGES })
    const start = { ...message(3), data: null, stream: { id: "s1", take: "a", seq: 0, start: true } } as Envelope
    draft.addStreamMarker(start)
    const reset = draft.next(one, 1000)!
    expect(reset.messages.all).toEqual([])
    expect(Object.keys(reset.messages.streams)).toEqual(["s1"])
  })
})
