import { describe, expect, it } from "vitest"
import { ErrorCode } from "./errorCodes.ts"
import { encodeSseFrame } from "./sseFrame.ts"

describe("encodeSseFrame", () => {
  it("writes id, event and data in that order, ending with a blank line", () => {
    expect(encodeSseFrame({ id: "1732250000000-4", event: "status", data: '{"a":1}' })).toBe(
      'id: 1732250000000-4\nevent: status\ndata: {"a":1}\n\n',
    )
  })

  it("writes a dataLine as one data: line, as data of one line would be", () => {
    const json = JSON.stringify({ a: "x y" })
    expect(encodeSseFrame({ id: "1-0", event: "t", dataLine: json })).toBe(encodeSseFrame({ id: "1-0", event: "t", data: json }))
  })

  it("splits data on every kind of line break", () => {
    expect(encodeSseFrame({ data: "a\nb\r\nc\rd" })).toBe("data: a\ndata: b\ndata: c\ndata: d\n\n")
  })

  it("writes retry and comments", () => {
    expect(encodeSseFrame({ retry: 1000 })).toBe("retry: 1000\n\n")
    expect(encodeSseFrame({ comment: "ping" })).toBe(": ping\n\n")
  })

  it.each(["a\nb", "a\rb", "a\0b"])("refuses CR, LF and NUL in id and event (%j)", (bad) => {
    expect(() => encodeSseFrame({ id: bad })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_FRAME }))
    expect(() => encodeSseFrame({ event: bad })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_FRAME }))
  })

  it("refuses a retry that is not a non-negative integer", () => {
    expect(() => encodeSseFrame({ retry: -1 })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_FRAME }))
  })
})
