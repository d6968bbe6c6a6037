import type { IncomingMessage, ServerResponse } from "node:http"
import { setFlagsFromString } from "node:v8"
import { afterEach, describe, expect, it } from "vitest"
import { createGateway, type Gateway } from "../createGateway.ts"
import { openStream, type TestStream } from "../testing/openStream.ts"

// V8's own check: do two objects share one hidden class?
setFlagsFromString("--allow-natives-syntax")
const haveSameMap = new Function("a", "b", "return %HaveSameMap(a, b)") as (a: object, b: object) => boolean

describe("request and response objects of the standalone gateway", () => {
  let gateway: Gateway | undefined
  const streams: TestStream[] = []
  afterEach(async () => {
    for (const s of streams.splice(0)) s.close()
    await gateway?.close()
  })

  it("are born with Express's prototypes, so every open stream shares one hidden class", async () => {
    gateway = createGateway({ logLevel: "silent" })
    const { url, server } = await gateway.listen()
    const arrived: Array<{ req: IncomingMessage; res: ServerResponse; reqProto: object; resProto: object }> = []
    server.prependListener("request", (req: IncomingMessage, res: ServerResponse) => {
      arrived.push({ req, res, reqProto: Object.getPrototypeOf(req), resProto: Object.getPrototypeOf(res) })
    })
    for (const channel of ["a", "b", "c"]) streams.push(await openStream(`${url}/v1/subscribe?channel=${channel}`))

    expect(arrived).toHaveLength(3)
    for (const a of arrived) {
      expect(a.reqProto).toBe(gateway.app.request)
      expect(a.resProto).toBe(gateway.app.response)
    }
    // Re-parented by Express instead, each request and response gets a hidden class of its own (~2 KB per stream).
    expect(haveSameMap(arrived[1]!.req, arrived[2]!.req)).toBe(true)
    expect(haveSameMap(arrived[1]!.res, arrived[2]!.res)).toBe(true)
    await gateway.publish({ channel: "b", topic: "t", data: 1 })
    await streams[1]!.waitFor((e) => e.length === 1)
    expect(streams[1]!.events[0]!.event).toBe("t")
  })
})
