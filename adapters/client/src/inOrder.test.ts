import { describe, expect, it } from "vitest"
import { createInOrder } from "./inOrder.ts"

describe("createInOrder", () => {
  it("runs synchronous steps at once, and steps after an asynchronous one only once it settled, in order", async () => {
    const inOrder = createInOrder()
    const ran: string[] = []
    inOrder(() => void ran.push("a"))
    expect(ran).toEqual(["a"]) // nothing pending: at once
    let release!: () => void
    inOrder(() => new Promise<void>((resolve) => (release = resolve)).then(() => void ran.push("slow")))
    inOrder(() => void ran.push("b"))
    inOrder(() => void ran.push("c"))
    expect(ran).toEqual(["a"])
    release()
    await new Promise((r) => setTimeout(r, 0))
    expect(ran).toEqual(["a", "slow", "b", "c"])
    inOrder(() => void ran.push("d"))
    expect(ran.at(-1)).toBe("d") // the queue drained: at once again
  })
})
