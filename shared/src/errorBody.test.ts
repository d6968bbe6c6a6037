import { describe, expect, it } from "vitest"
import { readErrorBody } from "./errorBody.ts"

describe("readErrorBody", () => {
  it("reads code, message and the other fields of a gateway error answer", () => {
    const body = JSON.stringify({ error: { code: "ERR_PAYLOAD_TOO_LARGE", message: "too big", limit: 10 } })
    expect(readErrorBody(body)).toEqual({ code: "ERR_PAYLOAD_TOO_LARGE", message: "too big", details: { limit: 10 } })
  })

  it("is undefined for text that is not one, or a code this version does not know", () => {
    for (const text of ["", "<html>", "null", '{"error":"x"}', '{"error":{"code":"ERR_FROM_THE_FUTURE"}}', '{"error":{"code":7}}']) {
      expect(readErrorBody(text), text).toBeUndefined()
    }
    expect(readErrorBody('{"error":{"code":"ERR_HTTP","message":3}}')).toEqual({ code: "ERR_HTTP", message: undefined, details: {} })
  })
})
