import { ConduitError, ErrorCode } from "@conduit/shared"
import cors from "cors"
import express, { type Router } from "express"
import type { GatewayContext } from "./GatewayContext.ts"
import { awaitTurn } from "./http/awaitTurn.ts"
import { expressRoute, type NodeRoute } from "./http/nodeRoute.ts"
import { assertRequestHead } from "./http/requestHead.ts"
import { errorHandler } from "./http/sendError.ts"
import type { Publisher } from "./publish/createPublisher.ts"
import { mountHealthRoutes } from "./routes/healthRoutes.ts"
import { eventsRoute, type SendEvents } from "./routes/eventsRoute.ts"
import { historyRoute } from "./routes/historyRoute.ts"
import { publishRoute } from "./routes/publishRoute.ts"
import { subscribeRoute } from "./routes/subscribeRoute.ts"
import { tokensRoute } from "./routes/tokensRoute.ts"

/** The hot routes, on Node's own request and response: the router and the fast path (`createFastPath`) run these. */
export interface HotRoutes {
  publish: NodeRoute
  subscribe: NodeRoute
}

export function createHotRoutes(ctx: GatewayContext, publisher: Publisher): HotRoutes {
  return { publish: publishRoute(ctx, publisher), subscribe: subscribeRoute(ctx) }
}

/** The CORS middleware for `corsOrigins`, or null when there are none (same origin only). */
export function corsOf(ctx: GatewayContext): ReturnType<typeof cors> | null {
  if (ctx.options.corsOrigins.length === 0) return null
  const any = ctx.options.corsOrigins.includes("*")
  return cors({
    origin: any ? true : [...ctx.options.corsOrigins],
    allowedHeaders: ["Authorization", "Content-Type", "Last-Event-ID", "Idempotency-Key"],
    methods: ["GET", "POST"],
    maxAge: 600,
  })
}

/** What the router does with a refusal: counted, logged by how bad it is, answered. */
export function onRefusal(ctx: GatewayContext): (error: ConduitError) => void {
  return (error) => {
    ctx.metrics.rejected.inc({ code: error.code })
    // A bug pages someone; a client's mistake (4xx) must not, or anyone could flood the error log.
    if (error.code === ErrorCode.INTERNAL) ctx.logger.error({ err: error.cause ?? error }, "request failed")
    else ctx.logger.debug({ code: error.code, status: error.status }, "request refused")
  }
}

/** The gateway's routes, mountable anywhere: `app.use("/realtime", gateway.router)`. */
export function createRouter(ctx: GatewayContext, hot: HotRoutes, sendEvents: SendEvents): Router {
  const router = express.Router()
  router.use(awaitTurn)
  // Before any route: refusals that need no more than the request's head.
  router.use((req, _res, next) => {
    assertRequestHead(req, ctx.options.maxRequestBytes)
    next()
  })
  const corsMiddleware = corsOf(ctx)
  if (corsMiddleware) router.use(corsMiddleware)
  mountHealthRoutes(router, ctx)
  // Express would serve HEAD with the GET handler: a live session writing stream bytes after the headers.
  router.head("/v1/subscribe", (_req, res, next) => {
    res.setHeader("Allow", "GET")
    next(new ConduitError(ErrorCode.METHOD_NOT_ALLOWED, "HEAD is not served on a stream; use GET"))
  })
  router.get("/v1/subscribe", expressRoute(hot.subscribe))
  router.post("/v1/publish", expressRoute(hot.publish))
  router.post("/v1/tokens", ...tokensRoute(ctx))
  router.post("/v1/events", ...eventsRoute(ctx, sendEvents))
  router.get("/v1/channels/:channel/history", historyRoute(ctx))

  const allowed: Record<string, string> = {
    "/v1/subscribe": "GET",
    "/v1/publish": "POST",
    "/v1/tokens": "POST",
    "/v1/events": "POST",
    "/v1/channels/:channel/history": "GET",
    "/healthz": "GET",
    "/readyz": "GET",
    "/metrics": "GET",
  }
  for (const [path, method] of Object.entries(allowed)) {
    router.all(path, (req, res, next) => {
      if (req.method === "OPTIONS" || (method === "GET" && req.method === "HEAD")) return next()
      res.setHeader("Allow", method)
      next(new ConduitError(ErrorCode.METHOD_NOT_ALLOWED, `${req.method} is not allowed here; use ${method}`))
    })
  }
  router.use(errorHandler(onRefusal(ctx)))
  return router
}
