// Run in a fresh process: node --allow-natives-syntax --import tsx hiddenClassProbe.ts
// Opens three streams on a standalone gateway and prints, as one JSON line, how
// V8 sees their requests and responses. A process of its own, as in production:
// a test worker shared with other files carries their hidden-class history.
// It also says whether each object kept fast properties: objects that went to
// dictionary mode hold a property dictionary each, and two of them show the
// same map only while V8's small, lossy cache of dictionary maps still holds
// it (whatever else normalized an object in between may have evicted it).
import type { IncomingMessage, ServerResponse } from "node:http"
import { createGateway } from "../createGateway.ts"
import { openStream } from "./openStream.ts"

const haveSameMap = new Function("a", "b", "%TryMigrateInstance(a); %TryMigrateInstance(b); return %HaveSameMap(a, b)") as (
  a: object,
  b: object,
) => boolean
const hasFastProperties = new Function("a", "return %HasFastProperties(a)") as (a: object) => boolean

const gateway = createGateway({ logLevel: "silent" })
const { url, server } = await gateway.listen()
const arrived: Array<{ req: IncomingMessage; res: ServerResponse; bornAsExpress: boolean }> = []
server.prependListener("request", (req: IncomingMessage, res: ServerResponse) => {
  const bornAsExpress = Object.getPrototypeOf(req) === gateway.app.request && Object.getPrototypeOf(res) === gateway.app.response
  arrived.push({ req, res, bornAsExpress })
})
const streams = []
for (const channel of ["a", "b", "c"]) streams.push(await openStream(`${url}/v1/subscribe?channel=${channel}`))
await gateway.publish({ channel: "b", topic: "t", data: 1 })
await streams[1]!.waitFor((events) => events.length === 1)

const [, second, third] = arrived
console.log(
  JSON.stringify({
    requests: arrived.length,
    bornAsExpress: arrived.map((a) => a.bornAsExpress),
    fastProperties: arrived.map((a) => hasFastProperties(a.req) && hasFastProperties(a.res)),
    sameRequestMap: haveSameMap(second!.req, third!.req),
    sameResponseMap: haveSameMap(second!.res, third!.res),
    delivered: streams[1]!.events.map((e) => e.event),
  }),
)
for (const s of streams) s.close()
await gateway.close()
