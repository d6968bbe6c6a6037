import { afterEach, describe, expect, it } from "vitest"
import { type RunningGateway, startGateway } from "./testing/startGateway.ts"

let gw: RunningGateway
afterEach(() => gw?.close())

const preflight = (origin: string) =>
  fetch(`${gw.url}/v1/subscribe?channel=c`, {
    method: "OPTIONS",
    headers: { Origin: origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization,last-event-id" },
  })

describe("CORS", () => {
  it("is off by default: no browser on another origin may read", async () => {
    gw = await startGateway()
    const res = await fetch(`${gw.url}/healthz`, { headers: { Origin: "https://evil.example" } })
    expect(res.headers.get("access-control-allow-origin")).toBeNull()
  })

  it("allows the listed origins only, with the headers the client sends (Authorization, Last-Event-ID)", async () => {
    gw = await startGateway({ corsOrigins: ["https://app.example"] })
    const allowed = await preflight("https://app.example")
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example")
    expect(allowed.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("last-event-id")
    const refused = await preflight("https://evil.example")
    expect(refused.headers.get("access-control-allow-origin")).toBeNull()
  })
})
