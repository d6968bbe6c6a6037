import { randomBytes } from "node:crypto"
import type { Server } from "node:http"
import { fileURLToPath } from "node:url"
import { type Conduit, createGateway, type SendEvent } from "@conduit/gateway"
import { topicRefOf } from "@conduit/shared"
import express from "express"

// The "small server" of the sample tests: what Next.js would be for the samples.
// One origin: the gateway at /realtime (production-style: a signing key, tokens
// required), the built page of client components at /, the "use server"
// functions at POST /actions/<module>/<name> (their browser stubs call these,
// see serverActionsPlugin.ts), and two routes for the tests: POST /test/send
// (an event, to the v4 samples' Conduit) and POST /test/publish.

const DIST = fileURLToPath(new URL("../dist/", import.meta.url))

/** The "use server" modules the page may call, by the id serverActionsPlugin gives them. */
const ACTIONS: Record<string, () => Promise<Record<string, unknown>>> = {
  "v4/app/actions": () => import("../v4/app/actions.ts"),
  "v3/app/actions": () => import("../v3/app/actions.ts"),
}

export interface SampleServer {
  url: string
  /** The gateway base URL the samples' Conduit clients use. */
  gatewayUrl: string
  signingKey: string
  /** The SDK instances of the v4 and v3 samples' `inngest` clients (their functions are registered on them). */
  v4: Conduit
  v3: Conduit
  close(): Promise<void>
}

function sessionOf(cookie: string | undefined): string | undefined {
  return /(?:^|;\s*)session=([A-Za-z0-9_-]{1,64})/.exec(cookie ?? "")?.[1]
}

/** Starts the server on `port` (0: any free one); the samples read the gateway's URL from the environment, set here first. */
export async function startSampleServer(port = 0): Promise<SampleServer> {
  const signingKey = randomBytes(32).toString("base64url")
  const app = express()
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(port, "127.0.0.1", () => resolve(s))
  })
  const { port: bound } = server.address() as { port: number }
  const url = `http://127.0.0.1:${bound}`
  const gatewayUrl = `${url}/realtime`
  // What a team sets for the samples: the gateway's URL and key (read by both client.ts modules).
  process.env.CONDUIT_URL = gatewayUrl
  process.env.CONDUIT_SIGNING_KEY = signingKey

  const gateway = createGateway({ signingKey, logLevel: "warn" })
  app.use("/realtime", gateway.router)
  await import("../v4/inngest/functions.ts")
  await import("../v3/inngest/functions/createRecommendation.ts")
  const { inngest: v4 } = await import("../v4/inngest/client.ts")
  const { inngest: v3 } = await import("../v3/inngest/client.ts")
  const { withSession } = await import("../v3/app/lib/session.ts")

  // POST /actions/v4/app/actions/getRealtimeToken: the module id, then the function's name; the body is its arguments.
  app.post("/actions/*path", express.json({ limit: "16kb" }), async (req, res) => {
    const path = (req.params as { path: string[] }).path
    const name = path.at(-1) ?? ""
    const module = path.slice(0, -1).join("/")
    const load = Object.hasOwn(ACTIONS, module) ? ACTIONS[module] : undefined
    const fn = load ? (await load())[name] : undefined
    if (typeof fn !== "function" || !Array.isArray(req.body)) {
      res.status(404).json({ error: { code: "ERR_NOT_FOUND", message: `no server action ${module}#${name}` } })
      return
    }
    const userId = sessionOf(req.headers.cookie) ?? "anonymous"
    res.setHeader("Cache-Control", "no-store")
    res.json(await withSession(userId, () => fn(...(req.body as unknown[]))))
  })
  app.post("/test/send", express.json(), async (req, res) => {
    res.status(202).json(await v4.send(req.body as SendEvent))
  })
  app.post("/test/publish", express.json(), async (req, res) => {
    const { channel, topic, data } = req.body as { channel: string; topic: string; data: unknown }
    res.status(202).json(await v4.publish(topicRefOf(channel, topic), data as never))
  })
  app.use(express.static(DIST, { index: "index.html" }))
  app.use(((error, _req, res, _next) => {
    res.status(500).json({ error: { code: error?.code ?? "ERR_INTERNAL", message: String(error?.message ?? error) } })
  }) as express.ErrorRequestHandler)

  return {
    url,
    gatewayUrl,
    signingKey,
    v4,
    v3,
    async close() {
      await Promise.all([v4.close(), v3.close()])
      await gateway.close()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

// `node --import tsx e2e/samples/server/sampleServer.ts` (Playwright's webServer): on CONDUIT_SAMPLES_PORT.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = await startSampleServer(Number(process.env.CONDUIT_SAMPLES_PORT ?? 0))
  console.log(`Conduit samples ready on ${started.url}`)
}
