import type { Envelope, StreamTag } from "@conduit/shared"
import { describe, expect, it } from "vitest"
import { assembleStreams, NO_STREAMS } from "./assembleStreams.ts"

let n = 0
const msg = (stream: StreamTag, data: unknown = null, topic = "tokens"): Envelope => ({
  id: `1-${n++}`,
  channel: "c",
  topic,
  data,
  createdAt: "",
  kind: "data",
  stream,
})
const start = (id: string, take: string) => msg({ id, take, seq: 0, start: true })
const chunk = (id: string, take: string, seq: number, data: unknown) => msg({ id, take, seq }, data)
const end = (id: string, take: string, seq: number) => msg({ id, take, seq, end: true })

describe("assembleStreams", () => {
  it("joins a text stream's chunks, and marks it done at its end", () => {
    let s = assembleStreams(NO_STREAMS, [start("s", "a"), chunk("s", "a", 1, "Hel")], 10)
    expect(s.s).toMatchObject({ text: "Hel", count: 1, done: false, error: null, incomplete: false, topic: "tokens" })
    const before = s
    s = assembleStreams(s, [chunk("s", "a", 2, "lo"), end("s", "a", 3)], 10)
    expect(s.s).toMatchObject({ text: "Hello", chunks: ["Hel", "lo"], done: true, incomplete: false })
    expect(before.s).toMatchObject({ text: "Hel", chunks: ["Hel"], done: false }) // earlier snapshots never change
    expect(assembleStreams(s, [chunk("s", "a", 4, "late")], 10)).toBe(s) // nothing after the end
  })

  it("keeps JSON chunks; text is undefined once a chunk is not a string", () => {
    const s = assembleStreams(NO_STREAMS, [start("j", "a"), chunk("j", "a", 1, { token: "x" }), chunk("j", "a", 2, [1])], 10)
    expect(s.j).toMatchObject({ chunks: [{ token: "x" }, [1]], text: undefined })
  })

  it("ends with the error marker's code, and a new take replaces the old one in place (a retried run's attempt)", () => {
    let s = assembleStreams(NO_STREAMS, [start("r", "a1"), chunk("r", "a1", 1, "dup "), msg({ id: "r", take: "a1", seq: 2, error: { code: "ERR_STREAM_ABORTED", message: "attempt 1 failed" } })], 10)
    expect(s.r!.done).toBe(true)
    expect(s.r!.error?.code).toBe("ERR_STREAM_ABORTED")
    s = assembleStreams(s, [start("r", "a2"), chunk("r", "a1", 3, "zombie "), chunk("r", "a2", 1, "fresh")], 10)
    expect(s.r).toMatchObject({ take: "a2", text: "fresh", done: false, error: null })
  })

  it("marks a stream incomplete when its start or a chunk is missing", () => {
    const late = assembleStreams(NO_STREAMS, [chunk("l", "a", 5, "tail"), chunk("l", "a", 6, "!")], 10)
    expect(late.l).toMatchObject({ text: "tail!", incomplete: true })
    const holed = assembleStreams(NO_STREAMS, [start("h", "a"), chunk("h", "a", 1, "a"), chunk("h", "a", 3, "c")], 10)
    expect(holed.h).toMatchObject({ text: "ac", incomplete: true })
  })

  it("keeps at most `limit` streams, dropping the oldest started, and leaves non-stream messages alone", () => {
    const plain: Envelope = { id: "2-0", channel: "c", topic: "t", data: 1, createdAt: "", kind: "data" }
    expect(assembleStreams(NO_STREAMS, [plain], 2)).toBe(NO_STREAMS)
    const s = assembleStreams(NO_STREAMS, [start("x", "a"), start("y", "a"), start("z", "a")], 2)
    expect(Object.keys(s)).toEqual(["y", "z"])
  })
})
