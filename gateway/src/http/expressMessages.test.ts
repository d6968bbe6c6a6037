import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"

const probe = fileURLToPath(new URL("../testing/hiddenClassProbe.ts", import.meta.url))

describe("request and response objects of the standalone gateway", () => {
  it("are born with Express's prototypes, so every open stream shares one hidden class", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--allow-natives-syntax", "--import", "tsx", probe], {
      timeout: 15_000,
    })
    const seen = JSON.parse(stdout.trim().split("\n").at(-1)!)
    expect(seen.requests).toBe(3)
    expect(seen.bornAsExpress).toEqual([true, true, true])
    // In dictionary mode each object holds a property dictionary of its own, whatever its map.
    expect(seen.fastProperties).toEqual([true, true, true])
    // Re-parented by Express instead, each request and response gets a hidden class of its own (~2 KB per stream).
    expect(seen.sameRequestMap).toBe(true)
    expect(seen.sameResponseMap).toBe(true)
    expect(seen.delivered).toEqual(["t"])
  })
})
