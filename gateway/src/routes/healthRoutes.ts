import { type Router } from "express"
import type { GatewayContext } from "../GatewayContext.ts"

/** `/healthz` (process up), `/readyz` (broker reachable, not closing), `/metrics` (Prometheus). */
export function mountHealthRoutes(router: Router, ctx: GatewayContext): void {
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" })
  })
  router.get("/readyz", (_req, res) => {
    const ready = ctx.broker.isReady() && !ctx.closing.value
    res.status(ready ? 200 : 503).json({ ready, broker: ctx.broker.isReady(), closing: ctx.closing.value })
  })
  router.get("/metrics", async (_req, res) => {
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics())
  })
}
