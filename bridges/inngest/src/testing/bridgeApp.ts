import type { Conduit } from "@conduit/gateway"
import { Inngest, realtime } from "inngest"
import { z } from "zod"
import { conduitMiddleware } from "../conduitMiddleware.ts"

// Test support: an Inngest app whose realtime goes to Conduit, with the function
// of Inngest v4's realtime page (two plain publishes, one durable one).

export const contentPipeline = realtime.channel({
  name: ({ runId }: { runId: string }) => `pipeline:${runId}`,
  topics: {
    status: { schema: z.object({ message: z.string(), step: z.string().optional() }) },
    tokens: { schema: z.object({ token: z.string(), step: z.string() }) },
  },
})

export function bridgeApp(conduit: Conduit) {
  const inngest = new Inngest({ id: "bridge-test", isDev: true, middleware: [conduitMiddleware({ conduit })] })
  const generatePost = inngest.createFunction({ id: "generate-post", triggers: [{ event: "app/generate-post" }] }, async ({ event, publish, step }) => {
    const ch = contentPipeline({ runId: event.data.runId })
    await publish(ch.status, { message: "Researching topic...", step: "research" })
    await publish(ch.tokens, { token: "Hello", step: "research" })
    const research = await step.run("research", () => "notes")
    await step.realtime.publish("status-complete", ch.status, { message: "Done", step: "complete" })
    return { research }
  })
  const v3Style = inngest.createFunction({ id: "v3-style", triggers: [{ event: "app/v3" }] }, async ({ event, publish }) => {
    await publish({ channel: `user:${event.data.userId}`, topic: "ai", data: { response: "hi", success: true } })
  })
  const invalid = inngest.createFunction({ id: "invalid", triggers: [{ event: "app/invalid" }] }, async ({ event, publish }) => {
    await publish(contentPipeline({ runId: event.data.runId }).status, { message: 42 } as never)
  })
  return { inngest, generatePost, v3Style, invalid }
}
