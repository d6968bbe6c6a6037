import { createParser, type EventSourceMessage } from "eventsource-parser"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { encodeSseFrame } from "./sseFrame.ts"

function parseAll(text: string): EventSourceMessage[] {
  const events: EventSourceMessage[] = []
  const parser = createParser({ onEvent: (e) => events.push(e) })
  parser.feed(text)
  return events
}

// Any string without CR, LF or NUL: what an id or event name may be.
const safeField = fc.string({ unit: "binary", minLength: 1 }).filter((s) => !/[\r\n\0]/.test(s))

describe("SSE frames (property)", () => {
  it("any JSON value round-trips through the encoder and eventsource-parser unchanged", () => {
    fc.assert(
      fc.property(fc.jsonValue(), safeField, safeField, (value, id, event) => {
        const [parsed, ...rest] = parseAll(encodeSseFrame({ id, event, data: JSON.stringify(value) }))
        expect(rest).toEqual([])
        expect(parsed!.id).toBe(id)
        expect(parsed!.event).toBe(event)
        expect(JSON.parse(parsed!.data)).toEqual(JSON.parse(JSON.stringify(value)))
      }),
      { numRuns: 500 },
    )
  })

  it("any text data, line breaks and `data:`/`event:` lookalikes included, arrives as one event with LF line breaks", () => {
    const tricky = fc.array(fc.oneof(fc.string({ unit: "binary" }), fc.constantFrom("\n", "\r\n", "\r", "data: x", "event: pwned", "id: 9", ":", "\n\n")), { maxLength: 12 })
    fc.assert(
      fc.property(tricky, (parts) => {
        const data = parts.join("")
        const events = parseAll(encodeSseFrame({ id: "1-0", event: "t", data }))
        expect(events).toHaveLength(1)
        expect(events[0]).toMatchObject({ id: "1-0", event: "t", data: data.replace(/\r\n|\r/g, "\n") })
      }),
      { numRuns: 500 },
    )
  })

  it("refuses CR, LF or NUL anywhere in an id or event name", () => {
    const unsafe = fc.tuple(fc.string(), fc.constantFrom("\r", "\n", "\0"), fc.string()).map(([a, bad, b]) => a + bad + b)
    fc.assert(
      fc.property(unsafe, (value) => {
        expect(() => encodeSseFrame({ id: value, data: "x" })).toThrow(expect.objectContaining({ code: "ERR_INVALID_FRAME" }))
        expect(() => encodeSseFrame({ event: value, data: "x" })).toThrow(expect.objectContaining({ code: "ERR_INVALID_FRAME" }))
      }),
    )
  })
})
