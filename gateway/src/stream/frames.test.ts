import { encodeSseFrame } from "@conduit/shared"
import { describe, expect, it } from "vitest"
import type { StoredMessage } from "../broker/Broker.ts"
import { frameOf } from "./frames.ts"

const message = (json: string, topic = "status"): StoredMessage => ({ id: "1732250000000-4", topic, json })

describe("frameOf", () => {
  it("writes the bytes encodeSseFrame writes, one data line for JSON", () => {
    const json = '{"id":"1732250000000-4","channel":"c","topic":"status","data":{"s":"a\\nb"},"kind":"data"}'
    expect(frameOf(message(json)).toString()).toBe(encodeSseFrame({ id: "1732250000000-4", event: "status", data: json }))
    expect(frameOf(message(json)).toString()).toBe(`id: 1732250000000-4\nevent: status\ndata: ${json}\n\n`)
  })

  it("still splits raw line breaks into data lines (never produced by JSON, but never a broken frame)", () => {
    expect(frameOf(message("a\nb\r\nc")).toString()).toBe("id: 1732250000000-4\nevent: status\ndata: a\ndata: b\ndata: c\n\n")
  })

  it("still refuses a topic that would inject a field", () => {
    expect(() => frameOf(message("{}", "a\nid: 9"))).toThrow(expect.objectContaining({ code: "ERR_INVALID_FRAME" }))
  })

  it("builds each frame once and shares it", () => {
    const m = message("{}")
    expect(frameOf(m)).toBe(frameOf(m))
  })
})
