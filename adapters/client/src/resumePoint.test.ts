import { describe, expect, it } from "vitest"
import { ResumePoint } from "./resumePoint.ts"

describe("ResumePoint", () => {
  it("takes ids at or below the newest applied one as seen, and only those", () => {
    const p = new ResumePoint()
    expect(p.seen("1-0")).toBe(false) // nothing applied yet
    p.advance("5-2")
    expect(["5-2", "5-1", "4-9", "0"].map((id) => p.seen(id))).toEqual([true, true, true, true])
    expect(["5-3", "6-0"].map((id) => p.seen(id))).toEqual([false, false])
    expect(p.seen("garbage")).toBe(false)
  })

  it("$position moves it, backwards too; a value that is not an id moves nothing", () => {
    const p = new ResumePoint()
    p.advance("9-0")
    expect(p.moveTo("3-0")).toBe(true)
    expect(p.lastId).toBe("3-0")
    expect(p.seen("4-0")).toBe(false)
    expect(p.moveTo(undefined)).toBe(false)
    expect(p.moveTo("x")).toBe(false)
    expect(p.lastId).toBe("3-0")
  })
})
