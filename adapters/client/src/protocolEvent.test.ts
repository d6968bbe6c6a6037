import { describe, expect, it } from "vitest"
import { protocolEvent } from "./protocolEvent.ts"

const frame = (event: string | undefined, data: string, id?: string) => ({ event, data, id })
const message = { id: "5-0", channel: "c", topic: "t", data: 1, createdAt: "", kind: "data" }

describe("protocolEvent", () => {
  it("reads control events, $run and messages", () => {
    expect(protocolEvent(frame("$close", '{"reason":"shutdown"}'))).toEqual({ kind: "close" })
    expect(protocolEvent(frame("$gap", '{"lastEventId":"1-0"}'))).toEqual({ kind: "gap", gap: { lastEventId: "1-0" } })
    expect(protocolEvent(frame("$position", '{"lastEventId":"4-0"}', "4-0"))).toEqual({ kind: "position", id: "4-0" })
    expect(protocolEvent(frame("t", JSON.stringify(message), "5-0"))).toEqual({ kind: "message", envelope: message })
    const run = { ...message, topic: "$run", kind: "run" }
    expect(protocolEvent(frame("$run", JSON.stringify(run), "5-0"))).toEqual({ kind: "run", envelope: run })
    expect(protocolEvent(frame("x", JSON.stringify(run), "5-0"))).toMatchObject({ kind: "run" }) // kind decides too
  })

  it("turns $error and unreadable frames into errors with stable codes", () => {
    expect(protocolEvent(frame("$error", '{"code":"ERR_INTERNAL","message":"boom"}'))).toMatchObject({
      kind: "error",
      error: { code: "ERR_INTERNAL", message: "boom" },
    })
    expect(protocolEvent(frame("$error", "plain"))).toMatchObject({ error: { code: "ERR_PROTOCOL", message: "plain" } })
    for (const data of ["{", '{"id":1,"topic":"t"}', '{"id":"1-0"}', "null"]) {
      expect(protocolEvent(frame("t", data)), data).toMatchObject({ kind: "error", error: { code: "ERR_PROTOCOL", message: "unreadable t frame" } })
    }
  })
})
