import { afterEach, describe, expect, it } from "vitest"
import { type RunningGateway, startGateway } from "../testing/startGateway.ts"

let gw: RunningGateway | undefined
afterEach(async () => {
  await gw?.close()
  gw = undefined
})

describe("metric names", () => {
  it("process and Node.js metrics are conduit_process_* and conduit_nodejs_*, never conduit_process_process_*", async () => {
    gw = await startGateway()
    const { text } = await gw.get("/metrics")
    expect(text).toMatch(/^conduit_process_cpu_seconds_total \d/m)
    expect(text).toMatch(/^conduit_process_resident_memory_bytes \d/m)
    expect(text).toMatch(/^conduit_nodejs_heap_size_used_bytes \d/m)
    expect(text).not.toContain("conduit_process_process_")
    expect(text).not.toContain("conduit_process_nodejs_")
  })
})
