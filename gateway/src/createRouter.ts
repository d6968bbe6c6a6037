import { ConduitError, ErrorCode } from "@conduit/shared"
import cors from "cors"
import express, { type Router } from "express"
import type { GatewayContext } from "./GatewayContext.ts"
import { assertBodyFits } from "./http/assertBodyFits.ts"
import { awaitTurn } from "./http/awaitTurn.ts"
import { assertValidHost } from "./http/assertValidHost.ts"
import { errorHandler } from "./http/sendError.ts"
import { mountHealthRoutes } from "./routes/healthRoutes.ts"
import { eventsRoute, type SendEvents } from "./routes/eventsRoute.ts"
import { historyRoute } from "./routes/historyRoute.ts"
import { publishRoute } from "./routes/publishRoute.ts"
import { subscribeRoute } from "./routes/subscribeRoute.ts"
import { tokensRoute } from "./routes/tokensRoute.ts"

/** The gateway's routes, mountable anywhere: `app.use("/realtime", gateway.router)`. */
export function createRouter(ctx: GatewayContext, publish: (inputs: unknown[]) => Promise<string[]>, sendEvents: SendEvents): Router {
  const router = express.Router()
  router.use(awaitTurn)
  // Before any route: refusals that need no more than the request's head.
  router.use((req, _res, next) => {
    assertValidHost(req)
    assertBodyFits(req.headers, ctx.options.maxRequestBytes)
    next()
  })
  if (ctx.options.corsOrigins.length > 0) {
    const any = ctx.options.corsOrigins.includes("*")
    router.use(
      cors({
        origin: any ? true : [...ctx.options.corsOrigins],
        allowedHeaders: ["Authorization", "Content-Type", "Last-Event-ID"],
        methods: ["GET", "POST"],
        maxAge: 600,
      }),
    )
  }
  mountHealthRoutes(router, ctx)
  // Express would serve HEAD with the GET handler: a live session writing stream bytes after the headers.
  router.head("/v1/subscribe", (_req, res, next) => {
    res.setHeader("Allow", "GET")
    next(new ConduitError(ErrorCode.METHOD_NOT_ALLOWED, "HEAD is not served on a stream; use GET"))
  })
  router.get("/v1/subscribe", subscribeRoute(ctx))
  router.post("/v1/publish", ...publishRoute(ctx, publish))
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
  router.use(
    errorHandler((error) => {
      ctx.metrics.rejected.inc({ code: error.code })
      // A bug pages someone; a client's mistake (4xx) must not, or anyone could flood the error log.
      if (error.code === ErrorCode.INTERNAL) ctx.logger.error({ err: error.cause ?? error }, "request failed")
      else ctx.logger.debug({ code: error.code, status: error.status }, "request refused")
    }),
  )
  return router
}
