import { Conduit } from "@conduit/gateway"
import { InngestTestEngine, mockCtx } from "@inngest/test"
import { bridgeApp } from "./bridgeApp.ts"

// One execution of the bridge's generate-post function in a process of its own
// (conduitMiddleware.test.ts): CONDUIT_URL, CONDUIT_SIGNING_KEY, RUN_ID (the
// Inngest run id, fixed so that a second process is a retry of the same run).
// With DIE_AFTER_DURABLE=1 the process kills itself at the worst moment for a
// durable publish: the gateway accepted it, Inngest has not memoized the step.

const die = process.env.DIE_AFTER_DURABLE === "1"
const dyingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init)
  // The durable publish is the one of step "complete".
  if (die && String(input).endsWith("/v1/publish") && String(init?.body).includes('"step":"complete"')) process.kill(process.pid, "SIGKILL")
  return response
}
const conduit = new Conduit({ url: process.env.CONDUIT_URL!, signingKey: process.env.CONDUIT_SIGNING_KEY!, fetch: dyingFetch })
const { generatePost } = bridgeApp(conduit)
const runId = process.env.RUN_ID!
const t = new InngestTestEngine({
  function: generatePost,
  events: [{ name: "app/generate-post", data: { runId: "crash" } }],
  transformCtx: (ctx) => ({ ...mockCtx(ctx), runId }),
})
const { result, error } = (await t.execute()) as { result?: unknown; error?: unknown }
console.log(`done ${JSON.stringify({ result, error })}`)
