import { describe, expect, it } from "vitest"
import type { PreparedMessage } from "./Broker.ts"
import { createPublishesInFlight } from "./publishesInFlight.ts"

const on = (...channels: string[]) => channels.map((channel) => ({ channel }) as PreparedMessage)

describe("createPublishesInFlight", () => {
  it("waits for the channel's publishes in flight when asked, not for later ones nor other channels", () => {
    const flights = createPublishesInFlight()
    const released: string[] = []
    expect(flights.whenPublished("a", () => released.push("idle"))).toBe(false)
    const first = flights.start(on("a", "b"))
    const second = flights.start(on("a"))
    expect(flights.whenPublished("a", () => released.push("a"))).toBe(true)
    expect(flights.whenPublished("b", () => released.push("b"))).toBe(true)
    const later = flights.start(on("a"))
    second()
    expect(released).toEqual([])
    first()
    expect(released).toEqual(["a", "b"]) // `later` is still in flight: not waited for
    later()
    expect(released).toEqual(["a", "b"])
    expect(flights.whenPublished("a", () => released.push("again"))).toBe(false)
  })
})
