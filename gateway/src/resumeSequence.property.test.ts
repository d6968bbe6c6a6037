import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openStream } from "./testing/openStream.ts"
import { type RunningGateway, startGateway } from "./testing/startGateway.ts"

let gw: RunningGateway
beforeAll(async () => {
  gw = await startGateway({ historySize: 10_000 })
})
afterAll(() => gw?.close())

const dataOf = (e: { data: string }) => JSON.parse(e.data).data as number

describe("resume (property)", () => {
  it("any sequence of disconnects and resumes within history yields exactly the published sequence", async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ publish: fc.nat(15), keep: fc.nat(20) }), { minLength: 1, maxLength: 6 }),
        async (steps) => {
          const channel = `prop-${run++}`
          const received: number[] = []
          let published = 0
          let lastId: string | undefined
          // Nothing received yet: replay from the start; else resume after the last id.
          const connect = () => openStream(`${gw.url}/v1/subscribe?channel=${channel}&lastEventId=0`, lastId ? { "Last-Event-ID": lastId } : {})
          for (const { publish, keep } of steps) {
            const stream = await connect()
            if (publish > 0) {
              const messages = Array.from({ length: publish }, (_, i) => ({ channel, topic: "n", data: published + i }))
              await gw.post("/v1/publish", { messages })
              published += publish
            }
            // The client processes `keep` of what is due (or all of it), then its connection drops.
            const due = published - received.length
            const take = Math.min(keep, due)
            await stream.waitFor((events) => stream.messages().length >= take)
            const kept = stream.messages().slice(0, take)
            received.push(...kept.map(dataOf))
            if (kept.length > 0) lastId = kept.at(-1)!.id
            stream.close()
          }
          const final = await connect()
          await final.waitFor(() => received.length + final.messages().length >= published)
          received.push(...final.messages().map(dataOf))
          final.close()
          expect(received).toEqual(Array.from({ length: published }, (_, i) => i))
        },
      ),
      { numRuns: 25 },
    )
  })
})
