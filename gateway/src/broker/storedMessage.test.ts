import { encodeSseFrame } from "@conduit/shared"
import { describe, expect, it } from "vitest"
import { envelopeTail, messageJson, storeMessage } from "./storedMessage.ts"

const ID = "1732250000000-4"
const store = (dataJson: string, topic = "status") => storeMessage(ID, '"c"', topic, dataJson, envelopeTail(undefined, "data"))

describe("storeMessage", () => {
  it("writes the bytes encodeSseFrame writes for the envelope, on one data line", () => {
    const m = store('{"s":"a\\nb"}')
    const json = `{"id":"${ID}","channel":"c","topic":"status","data":{"s":"a\\nb"},"createdAt":"2024-11-22T04:33:20.000Z","kind":"data"}`
    expect(m.frame.toString()).toBe(encodeSseFrame({ id: ID, event: "status", data: json }))
    expect(m.frame.toString()).toBe(`id: ${ID}\nevent: status\ndata: ${json}\n\n`)
    expect(JSON.parse(messageJson(m).toString())).toEqual({ id: ID, channel: "c", topic: "status", data: { s: "a\nb" }, createdAt: "2024-11-22T04:33:20.000Z", kind: "data" })
  })

  it("keeps one copy: the envelope JSON is a view of the frame", () => {
    const m = store('"x"')
    const json = messageJson(m)
    expect(json.buffer).toBe(m.frame.buffer)
    expect(Object.keys(m).sort()).toEqual(["frame", "id", "topic"])
  })

  it("puts data with raw line breaks (never written by JSON.stringify) on one line, and refuses what is not JSON", () => {
    expect(store('{"a":\n1}').frame.toString()).toContain('"data":{"a":1},')
    expect(() => store('"a\nid: 9"')).toThrow(expect.objectContaining({ code: "ERR_INVALID_FRAME" }))
  })

  it("refuses a topic that would inject a field", () => {
    expect(() => store("{}", "a\nid: 9")).toThrow(expect.objectContaining({ code: "ERR_INVALID_FRAME" }))
  })

  it("adds runId and kind in wire order", () => {
    const m = storeMessage(ID, '"c"', "$run", '{"status":"running"}', envelopeTail("run\n1", "run"))
    expect(messageJson(m).toString()).toMatch(/"createdAt":"[^"]+","runId":"run\\n1","kind":"run"}$/)
  })
})
