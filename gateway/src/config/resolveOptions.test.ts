import { describe, expect, it } from "vitest"
import { resolveOptions } from "./resolveOptions.ts"

describe("resolveOptions", () => {
  it("refuses dev mode turned off without a signing key (every request would be refused)", () => {
    expect(() => resolveOptions({ dev: false })).toThrow(expect.objectContaining({ code: "ERR_CONFIG" }))
    expect(resolveOptions({ dev: false, signingKey: "k".repeat(32) }).dev).toBe(false)
    expect(resolveOptions({}).dev).toBe(true)
  })
})
