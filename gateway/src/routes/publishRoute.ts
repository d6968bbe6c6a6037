import { ConduitError, ErrorCode } from "@conduit/shared"
import express, { type RequestHandler } from "express"
import type { GatewayContext } from "../GatewayContext.ts"
import { bearerOf } from "../http/credentials.ts"
import { publishInputsOf } from "../publish/preparePublish.ts"

/** Content type check, then JSON parsing bounded by `maxRequestBytes`. */
export function jsonBody(ctx: GatewayContext): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    if (!req.is("application/json")) {
      next(new ConduitError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send Content-Type: application/json"))
      return
    }
    next()
  }
  return [requireJson, express.json({ limit: ctx.options.maxRequestBytes, type: () => true, strict: true })]
}

/** `POST /v1/publish`: one message or `{ messages: [...] }` → 202 `{ ids }`. */
export function publishRoute(ctx: GatewayContext, publish: (inputs: unknown[]) => Promise<string[]>): RequestHandler[] {
  const checkKey: RequestHandler = (req, _res, next) => {
    ctx.auth.checkKey(bearerOf(req, false))
    const wait = ctx.publishRate?.take(req.socket.remoteAddress ?? "") ?? 0
    if (wait > 0) {
      throw new ConduitError(ErrorCode.RATE_LIMITED, `publish rate limit of ${ctx.options.publishRatePerSecond}/s exceeded`, {
        details: { limit: ctx.options.publishRatePerSecond, retryAfter: wait },
      })
    }
    next()
  }
  const handle: RequestHandler = async (req, res) => {
    const end = ctx.metrics.publishSeconds.startTimer()
    const ids = await publish(publishInputsOf(req.body, ctx.options))
    // Written directly rather than with res.json: no ETag hashing or freshness check for a one-off POST answer.
    const body = JSON.stringify({ ids })
    res.writeHead(202, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(body) }).end(body)
    end()
  }
  return [checkKey, ...jsonBody(ctx), handle]
}
