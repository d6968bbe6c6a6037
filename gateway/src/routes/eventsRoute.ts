import { ConduitError, ErrorCode } from "@conduit/shared"
import type { RequestHandler } from "express"
import type { SendEvent } from "../functions/FunctionConfig.ts"
import type { GatewayContext } from "../GatewayContext.ts"
import { bearerOf } from "../http/credentials.ts"
import { jsonBody } from "./publishRoute.ts"

/** Sends events to the gateway's functions runtime (`conduit.send`). */
export type SendEvents = (events: SendEvent[]) => Promise<{ ids: string[] }>

/**
 * `POST /v1/events` `{ name, data? }` or `{ events: [...] }` → 202 `{ ids }`:
 * `conduit.send` for other languages. Starts the runs the events trigger and
 * hands them to runs waiting for them (`step.waitForEvent`); 404
 * ERR_UNKNOWN_FUNCTION when nothing listens.
 */
export function eventsRoute(ctx: GatewayContext, send: SendEvents): RequestHandler[] {
  const checkKey: RequestHandler = (req, _res, next) => {
    ctx.auth.checkKey(bearerOf(req, false))
    next()
  }
  const handle: RequestHandler = async (req, res) => {
    res.status(202).json(await send(eventsOf(req.body, ctx.options.maxBatchMessages)))
  }
  return [checkKey, ...jsonBody(ctx), handle]
}

function eventsOf(body: unknown, limit: number): SendEvent[] {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ConduitError(ErrorCode.INVALID_BODY, "body must be an event { name, data? } or { events: [...] }")
  }
  if (!("events" in body)) return [body as SendEvent]
  const { events } = body as { events: unknown }
  if (!Array.isArray(events) || events.length === 0) throw new ConduitError(ErrorCode.INVALID_BODY, "events must be a non-empty array")
  if (events.length > limit) {
    throw new ConduitError(ErrorCode.BATCH_TOO_LARGE, `at most ${limit} events per request`, { details: { limit, count: events.length } })
  }
  return events as SendEvent[]
}
