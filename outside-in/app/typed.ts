// A strict NodeNext TypeScript consumer of the published types: a typed
// channel, the gateway in Express, the SDK and the client. The outside-in test
// also compiles a copy with WRONG_TOPIC replaced, which must not compile.
import { channel } from "@conduit/shared"
import { Conduit, createGateway, type Gateway, type GatewayOptions } from "@conduit/gateway"
import { type MessageOf, type Snapshot, subscribe } from "@conduit/client"
import express from "express"
import { z } from "zod"

export const pipeline = channel({
  name: "pipeline:{runId}",
  topics: {
    status: { schema: z.object({ message: z.string() }) },
    tokens: { schema: z.object({ token: z.string() }) },
  },
})

const options: GatewayOptions = { channels: [pipeline], historySize: 100 }
const gateway: Gateway = createGateway(options)
const app = express()
app.use("/realtime", gateway.router)

const ch = pipeline({ runId: "run_1" })
const conduit = new Conduit({ gateway })
await conduit.publish(ch.status, { message: "Researching" })
// @ts-expect-error message is a string
await conduit.publish(ch.status, { message: 42 })

const sub = subscribe({ url: "http://127.0.0.1:8288", channel: ch, topics: ["status" /* WRONG_TOPIC */] })
const snapshot = sub.getSnapshot()
const first: string | undefined = snapshot.messages.byTopic.status?.[0]?.data.message
export const described: string = `${snapshot.connectionStatus} ${snapshot.runStatus} ${first ?? ""}`
export type StatusMessage = MessageOf<typeof ch, "status">
export type PipelineSnapshot = Snapshot<StatusMessage>
