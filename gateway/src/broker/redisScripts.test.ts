import { compareIds, isStartId, parseId } from "@conduit/shared"
import type { Redis } from "ioredis"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { inspectorClient } from "../testing/inspectorClient.ts"
import { startRedis, type TestRedis } from "../testing/redisServer.ts"
import { ID_RULE } from "./redisScripts.ts"

// Ids a stream holds, ids a client may send, and ids neither rule takes.
const IDS = [
  "0",
  "0-0",
  "00",
  "0-1",
  "1732250000000-4",
  "1732250000000-0",
  "007-08",
  `${"9".repeat(15)}-${"9".repeat(15)}`,
  `${"9".repeat(16)}-0`,
  `1-${"9".repeat(16)}`,
  "1-",
  "-1",
  "1",
  "1-2-3",
  "a-1",
  "1-a",
  " 1-2",
  "1-2 ",
  "1.5-2",
  "+1-2",
  "",
]

let redis: TestRedis
let raw: Redis
beforeAll(async () => {
  redis = await startRedis()
  raw = inspectorClient(redis.url)
})
afterAll(async () => {
  raw?.disconnect()
  await redis?.close()
})

/** Runs the scripts' id rule inside Redis: `[ms, seq]` or null, whether it is the start, and the order of two ids. */
async function lua(id: string, other: string): Promise<{ parsed: [number, number] | null; start: boolean; order: number | null }> {
  const script = `${ID_RULE}
local ms, seq = parse(ARGV[1])
local oms, oseq = parse(ARGV[2])
local order = false
if ms and oms then order = (ms ~= oms) and (ms < oms and -1 or 1) or ((seq ~= oseq) and (seq < oseq and -1 or 1) or 0) end
return { ms or false, seq or false, is_start(ARGV[1]) and 1 or 0, order }`
  // Lua numbers come back as integer replies: exact for the 15 digits an id part may have.
  const [ms, seq, start, order] = (await raw.eval(script, 0, id, other)) as [number | null, number | null, number, number | null]
  return { parsed: ms === null ? null : [ms, seq!], start: start === 1, order }
}

describe("the Redis scripts' id rule", () => {
  it("parses, and finds the start, exactly as @conduit/shared does", async () => {
    for (const id of IDS) {
      const ts = parseId(id)
      const got = await lua(id, "1732250000000-4")
      expect({ id, parsed: got.parsed, start: got.start }).toEqual({ id, parsed: ts ? [ts.ms, ts.seq] : null, start: isStartId(id) })
      if (ts) expect({ id, order: got.order }).toEqual({ id, order: Math.sign(compareIds(id, "1732250000000-4")) })
    }
  })
})
