import { describe, expect, it } from "vitest"
import { connectRequest } from "./connectRequest.ts"

const target = { url: "http://gw/", channel: "pipeline:r1", topics: ["status", "tokens"] }

describe("connectRequest", () => {
  it("starts where the options say, then resumes with Last-Event-ID only", () => {
    expect(connectRequest(target, "tok", null)).toEqual({
      url: "http://gw/v1/subscribe?channel=pipeline%3Ar1&topics=status%2Ctokens&replay=all",
      headers: { Authorization: "Bearer tok" },
    })
    expect(connectRequest(target, undefined, null, "none").url).toBe("http://gw/v1/subscribe?channel=pipeline%3Ar1&topics=status%2Ctokens")
    expect(connectRequest(target, undefined, null, "7-0").url).toContain("&lastEventId=7-0")
    expect(connectRequest(target, "tok", "9-1", "7-0")).toEqual({
      url: "http://gw/v1/subscribe?channel=pipeline%3Ar1&topics=status%2Ctokens",
      headers: { Authorization: "Bearer tok", "Last-Event-ID": "9-1" },
    })
  })
})
