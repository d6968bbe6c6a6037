import { existsSync } from "node:fs"
import { join } from "node:path"
import { ConduitError, ErrorCode, type SubscriptionToken } from "@conduit/shared"
import express, { type RequestHandler, type Router } from "express"

export interface DemoRouterOptions {
  /** The built demo page (vite's output directory). */
  distDir: string
  /** Sends the demo function's event for a new run; resolves with its run id. */
  startRun(): Promise<{ runId: string; channel: string }>
  /** Mints a subscription token scoped to one run's channel. */
  mintToken(runId: string): Promise<SubscriptionToken & { channel: string }>
}

// Run ids the demo hands out: what `startRun` makes, and nothing that could name another channel.
const RUN_ID_RE = /^[A-Za-z0-9_-]{1,64}$/

/**
 * The demo's routes: the static page, `POST /demo/runs` (start a run) and
 * `POST /demo/token` `{ runId }` (a token for that run's channel only, the
 * way an app's backend would mint one for its signed-in user).
 */
export function createDemoRouter(options: DemoRouterOptions): Router {
  const router = express.Router()
  const startRun: RequestHandler = async (_req, res) => {
    res.status(201).json(await options.startRun())
  }
  const token: RequestHandler = async (req, res) => {
    const runId = (req.body as { runId?: unknown } | undefined)?.runId
    if (typeof runId !== "string" || !RUN_ID_RE.test(runId)) {
      throw new ConduitError(ErrorCode.INVALID_BODY, "body must be { runId } with a run id from POST /demo/runs")
    }
    res.setHeader("Cache-Control", "no-store")
    res.json(await options.mintToken(runId))
  }
  router.post("/demo/runs", startRun)
  router.post("/demo/token", express.json({ limit: "4kb" }), token)
  router.use(express.static(options.distDir, { index: "index.html" }))
  router.get("/", notBuilt(options.distDir))
  return router
}

/** What `/` answers when the page was never built: how to build it, not a bare 404. */
function notBuilt(distDir: string): RequestHandler {
  return (_req, res, next) => {
    if (existsSync(join(distDir, "index.html"))) return next()
    res
      .status(503)
      .type("text/plain")
      .send("The demo page is not built yet: run `node e2e/buildDemo.mjs` in the Conduit repository (npm start does it for you).\n")
  }
}
