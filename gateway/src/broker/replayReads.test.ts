import { describe, expect, it } from "vitest"
import type { StreamEntry } from "./redisMessages.ts"
import { createReplayReads, type RawRead } from "./replayReads.ts"

/** A fake read script over a fixed stream, whose calls the test releases one by one. */
function fakeRedis(ids: string[]) {
  const calls: { channel: string; after: string; limit: number; release: () => void }[] = []
  const run = (channel: string, after: string, limit: number) =>
    new Promise<RawRead>((resolve) => {
      const entries: StreamEntry[] = ids.filter((id) => after === "0" || id > after).slice(0, limit).map((id) => [id, []])
      const release = () => resolve({ evictedThrough: null, holdsResumeId: ids.includes(after), oldest: ids[0] ?? null, entries, newest: ids.at(-1) ?? null })
      calls.push({ channel, after, limit, release })
    })
  return { calls, run }
}

const flush = () => new Promise((r) => setImmediate(r))
const idsOf = (r: RawRead) => r.entries.map((e) => e[0])

describe("replay reads", () => {
  it("runs at most `concurrency` reads at once; the rest wait without a command in flight", async () => {
    const redis = fakeRedis(["1-0"])
    const reads = createReplayReads({ concurrency: 2, fullLimit: 10, run: redis.run })
    const answers = ["a", "b", "c", "d"].map((c) => reads.read(c, "0"))
    await flush()
    expect(redis.calls.map((c) => c.channel)).toEqual(["a", "b"])
    redis.calls[0]!.release()
    await answers[0]
    await flush()
    expect(redis.calls.map((c) => c.channel)).toEqual(["a", "b", "c"])
    for (const c of redis.calls.slice(1)) c.release()
    await flush()
    redis.calls[3]!.release()
    expect((await Promise.all(answers)).map(idsOf)).toEqual([["1-0"], ["1-0"], ["1-0"], ["1-0"]])
  })

  it("answers the waiting reads of one channel from one read, from the oldest id asked for", async () => {
    const redis = fakeRedis(["1-0", "2-0", "3-0", "4-0"])
    const reads = createReplayReads({ concurrency: 4, fullLimit: 10, run: redis.run })
    const first = reads.read("c", "3-0") // starts at once
    await flush()
    // These arrive while "c" is being read: none may be answered from it (it may predate them).
    const later = [reads.read("c", "2-0"), reads.read("c", "0"), reads.read("c", "2-5"), reads.read("c", "4-0")]
    await flush()
    expect(redis.calls).toHaveLength(1)
    redis.calls[0]!.release()
    expect(idsOf(await first)).toEqual(["4-0"])
    await flush()
    expect(redis.calls.map((c) => [c.after, c.limit])).toEqual([["3-0", 11], ["0", 11]])
    redis.calls[1]!.release()
    const answers = await Promise.all(later)
    expect(answers.map(idsOf)).toEqual([["3-0", "4-0"], ["1-0", "2-0", "3-0", "4-0"], ["3-0", "4-0"], []])
    expect(answers.map((a) => a.holdsResumeId)).toEqual([true, false, false, true])
  })

  it("reads alone a request whose answer may lie past what the shared read returned", async () => {
    const redis = fakeRedis(["1-0", "2-0", "3-0", "4-0"])
    const reads = createReplayReads({ concurrency: 4, fullLimit: 2, run: redis.run })
    const busy = reads.read("c", "4-0")
    await flush()
    const [fromStart, fromTwo] = [reads.read("c", "0"), reads.read("c", "2-0")]
    redis.calls[0]!.release()
    await busy
    await flush()
    redis.calls[1]!.release() // "0": three entries for a limit of two, so "2-0" cannot be answered from it
    expect(idsOf(await fromStart)).toEqual(["1-0", "2-0"])
    await flush()
    expect(redis.calls.map((c) => c.after)).toEqual(["4-0", "0", "2-0"])
    redis.calls[2]!.release()
    expect(idsOf(await fromTwo)).toEqual(["3-0", "4-0"])
  })

  it("runs a limited read (the history route's) alone, with its own limit", async () => {
    const redis = fakeRedis(["1-0", "2-0", "3-0"])
    const reads = createReplayReads({ concurrency: 4, fullLimit: 10, run: redis.run })
    const limited = reads.read("c", "0", 1)
    await flush()
    expect(redis.calls.map((c) => c.limit)).toEqual([1])
    redis.calls[0]!.release()
    expect(idsOf(await limited)).toEqual(["1-0"])
  })
})
