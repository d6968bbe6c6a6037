import type { IncomingMessage } from "node:http"
import { ConduitError, ErrorCode } from "@conduit/shared"
import type { RequestHandler } from "express"
import type { GatewayContext } from "../GatewayContext.ts"
import { assertJsonContentType } from "../http/assertJsonContentType.ts"
import { bearerOf } from "../http/credentials.ts"
import { isNdjson } from "../http/ndjsonLines.ts"
import type { NodeRoute } from "../http/nodeRoute.ts"
import { parseJsonBody } from "../http/parseJsonBody.ts"
import { hasBody, readBody } from "../http/readBody.ts"
import type { Publisher } from "../publish/createPublisher.ts"
import { publishInputsOf } from "../publish/preparePublish.ts"
import { publishNdjson } from "./publishNdjson.ts"

const MAX_REQUEST_KEY = 256
const VISIBLE_ASCII = /^[\x21-\x7e]+$/

/**
 * Content type check, then the body read (inflated when compressed) within
 * `maxRequestBytes` (`readBody`) and parsed as strict JSON (`parseJsonBody`).
 * No body at all (neither Content-Length nor chunked) gives undefined, for
 * the route to refuse; one the host app's own body parser already read (the
 * router mounted after it) is taken as it parsed it.
 */
export async function readJsonBody(ctx: GatewayContext, req: IncomingMessage & { body?: unknown }): Promise<unknown> {
  assertJsonContentType(req.headers["content-type"])
  if (hasBody(req) && !req.readableEnded) req.body = parseJsonBody(await readBody(req, ctx.options.maxRequestBytes))
  return req.body
}

/** `readJsonBody` as Express middleware: sets `req.body`. */
export function jsonBody(ctx: GatewayContext): RequestHandler[] {
  return [(req, _res, next) => void readJsonBody(ctx, req).then(() => next(), next)]
}

/** The signing key, and the publish rate of the client's address (one token per request, or per NDJSON line). */
export function checkPublisher(ctx: GatewayContext, req: IncomingMessage): void {
  ctx.auth.checkKey(bearerOf(req, false))
  takePublishRate(ctx, req)
}

export function takePublishRate(ctx: GatewayContext, req: IncomingMessage): void {
  const wait = ctx.publishRate?.take(req.socket.remoteAddress ?? "") ?? 0
  if (wait > 0) {
    throw new ConduitError(ErrorCode.RATE_LIMITED, `publish rate limit of ${ctx.options.publishRatePerSecond}/s exceeded`, {
      details: { limit: ctx.options.publishRatePerSecond, retryAfter: wait },
    })
  }
}

/** The `Idempotency-Key` header: the request's key (a repeat within `requestKeyTtlMs` publishes nothing). */
function requestKeyOf(req: IncomingMessage): string | undefined {
  const key = req.headers["idempotency-key"]
  if (key === undefined) return undefined
  if (typeof key !== "string" || key.length > MAX_REQUEST_KEY || !VISIBLE_ASCII.test(key)) {
    throw new ConduitError(ErrorCode.INVALID_BODY, `Idempotency-Key must be 1-${MAX_REQUEST_KEY} visible ASCII characters, sent once`, {
      details: { field: "Idempotency-Key" },
    })
  }
  return key
}

/**
 * `POST /v1/publish`: one message or `{ messages: [...] }` → 202 `{ ids }`;
 * `application/x-ndjson`: one message per line (`publishNdjson`).
 */
export function publishRoute(ctx: GatewayContext, publisher: Publisher): NodeRoute {
  return async (req, res) => {
    checkPublisher(ctx, req)
    if (isNdjson(req.headers["content-type"])) return publishNdjson(ctx, publisher, req, res)
    const body = await readJsonBody(ctx, req)
    // The connection died while the body was read (a server's default clientError destroys it at a malformed
    // request pipelined behind this one): nobody could read the answer, so nothing is published.
    if (req.socket.destroyed) return
    const requestKey = requestKeyOf(req)
    const end = ctx.metrics.publishSeconds.startTimer()
    const ids = await publisher.publish(publishInputsOf(body, ctx.options), requestKey === undefined ? undefined : { requestKey })
    // Written directly rather than with res.json: no ETag hashing or freshness check for a one-off POST answer.
    const answer = JSON.stringify({ ids })
    res.writeHead(202, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(answer) }).end(answer)
    end()
  }
}
