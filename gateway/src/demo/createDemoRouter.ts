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
  /** Sends a reviewer's decision on the draft a run waits on. */
  review(postId: string, approved: boolean): Promise<void>
}

// Run ids the demo hands out: what `startRun` makes, and nothing that could name another channel.
const RUN_ID_RE = /^[A-Za-z0-9_-]{1,64}$/

// Post ids the demo hands out (randomUUID).
const POST_ID_RE = /^[0-9a-f-]{36}$/

/**
 * The demo's routes: the static page, `POST /demo/runs` (start a run),
 * `POST /demo/token` `{ runId }` (a token for that run's channel only, the
 * way an app's backend would mint one for its signed-in user) and
 * `POST /demo/review` `{ postId, approved }` (the reviewer's Approve / Reject:
 * sends the event the waiting run matches; 404 ERR_UNKNOWN_FUNCTION when no run waits for it).
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
  const review: RequestHandler = async (req, res) => {
    const { postId, approved } = (req.body ?? {}) as { postId?: unknown; approved?: unknown }
    if (typeof postId !== "string" || !POST_ID_RE.test(postId) || typeof approved !== "boolean") {
      throw new ConduitError(ErrorCode.INVALID_BODY, "body must be { postId, approved: boolean } with the post id of a run's approval request")
    }
    await options.review(postId, approved)
    res.status(204).end()
  }
  router.post("/demo/runs", startRun)
  router.post("/demo/token", express.json({ limit: "4kb" }), token)
  router.post("/demo/review", express.json({ limit: "4kb" }), review)
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
