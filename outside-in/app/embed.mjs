// Plain Node ESM, no TypeScript, no bundler: the gateway embedded in an
// Express app, publishing with the SDK (in-process and over HTTP) and
// receiving with @conduit/client. Prints what it received.
import { once } from "node:events"
import { subscribe } from "@conduit/client"
import { Conduit, createGateway } from "@conduit/gateway"
import express from "express"
import { pipeline } from "./channels.mjs"

const gateway = createGateway({ channels: [pipeline], logLevel: "warn" })
const app = express()
app.get("/", (_req, res) => res.send("my app"))
app.use("/realtime", gateway.router)
const server = app.listen(0, "127.0.0.1")
await once(server, "listening")
const url = `http://127.0.0.1:${server.address().port}/realtime`
console.log(`app on ${url.replace("/realtime", "")}, gateway mounted at /realtime (dev mode: ${gateway.options.dev})`)

const ch = pipeline({ runId: "run_1" })
const sub = subscribe({ url, channel: ch, topics: ["status", "tokens"] })
const snapshotWhen = (test) =>
  new Promise((resolve) => {
    const check = () => test(sub.getSnapshot()) && (off(), resolve(sub.getSnapshot()))
    const off = sub.subscribe(check)
    check()
  })
await snapshotWhen((s) => s.connectionStatus === "open")
console.log("subscribed with @conduit/client: open")

const inProcess = new Conduit({ gateway })
const overHttp = new Conduit({ url })
await inProcess.publish(ch.status, { message: "Researching" })
await overHttp.publish(ch.tokens, { token: "Hel" })
await inProcess.publish(ch.tokens, { token: "lo" })
try {
  await inProcess.publish(ch.status, { message: 42 })
} catch (error) {
  console.log(`refused before sending: ${error.code} (${error.message})`)
}
const done = await snapshotWhen((s) => s.messages.all.length === 3)
for (const m of done.messages.all) console.log(`received ${m.topic} ${JSON.stringify(m.data)} id=${m.id}`)
console.log(`tokens joined: ${done.messages.byTopic.tokens.map((m) => m.data.token).join("")}`)
sub.close()
await gateway.close()
server.close()
