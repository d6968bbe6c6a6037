import { ConduitError, ErrorCode } from "@conduit/shared"
import type { RequestHandler } from "express"
import type { GatewayContext } from "../GatewayContext.ts"
import { assertJsonContentType } from "../http/assertJsonContentType.ts"
import { bearerOf } from "../http/credentials.ts"
import { parseJsonBody } from "../http/parseJsonBody.ts"
import { hasBody, readBody } from "../http/readBody.ts"
import { publishInputsOf } from "../publish/preparePublish.ts"

/**
 * Content type check, then the body read (inflated when compressed) within
 * `maxRequestBytes` (`readBody`) and parsed as strict JSON (`parseJsonBody`).
 */
export function jsonBody(ctx: GatewayContext): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    assertJsonContentType(req.headers["content-type"])
    next()
  }
  const parse: RequestHandler = async (req, _res, next) => {
    // No body at all (neither Content-Length nor chunked) leaves req.body undefined, for the route to refuse;
    // one the host app's own body parser already read (the router mounted after it) is taken as it parsed it.
    if (hasBody(req) && !req.readableEnded) req.body = parseJsonBody(await readBody(req, ctx.options.maxRequestBytes))
    next()
  }
  return [requireJson, parse]
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
    // The connection died while the body was read (a server's default clientError destroys it at a malformed
    // request pipelined behind this one): nobody could read the answer, so nothing is published.
    if (req.socket.destroyed) return
    const end = ctx.metrics.publishSeconds.startTimer()
    const ids = await publish(publishInputsOf(req.body, ctx.options))
    // Written directly rather than with res.json: no ETag hashing or freshness check for a one-off POST answer.
    const body = JSON.stringify({ ids })
    res.writeHead(202, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(body) }).end(body)
    end()
  }
  return [checkKey, ...jsonBody(ctx), handle]
}
