import { assertChannelName, type CloseReason, ConduitError, ErrorCode, isValidId } from "@conduit/shared"
import type { Request, RequestHandler, Response } from "express"
import type { GatewayContext } from "../GatewayContext.ts"
import { presentedCredential } from "../http/credentials.ts"
import { queryString, queryTopics } from "../http/queryParams.ts"
import { frameOf, gapFrame, retryFrame } from "../stream/frames.ts"
import { SseSession } from "../stream/SseSession.ts"

const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
}

/** Where to resume: the Last-Event-ID header (EventSource's own) wins over the query. */
function resumeFrom(req: Parameters<RequestHandler>[0]): string | undefined {
  const header = req.headers["last-event-id"]
  const raw = typeof header === "string" && header !== "" ? header : queryString(req, "lastEventId")
  if (raw === undefined) return queryString(req, "replay") === "all" ? "0" : undefined
  if (raw.length > 40 || !isValidId(raw)) {
    throw new ConduitError(ErrorCode.INVALID_LAST_EVENT_ID, "Last-Event-ID must be an id this gateway sent, or 0")
  }
  return raw
}

/**
 * The stream outlives its request by hours: let go of what Express hung on
 * the request and response for the length of one dispatch (the router's
 * `next` chain, the parsed URL, params, locals), which would otherwise stay
 * reachable from the socket: about 2 KB per idle subscriber. Nothing calls
 * `next` once the stream started; errors from here on are the stream's own
 * (`$close`), never an Express error response.
 */
function releaseRequestState(req: Request, res: Response): void {
  const q = req as unknown as Record<string, unknown>
  q.next = undefined
  q._parsedUrl = undefined
  q.params = undefined
  ;(res as unknown as Record<string, unknown>).locals = undefined
}

/** Why a stream closed before it started, as the error its request answers with. */
function refusalFor(session: SseSession): ConduitError {
  return session.closeReason === "broker_unavailable"
    ? new ConduitError(ErrorCode.BROKER_UNAVAILABLE, "broker unavailable")
    : new ConduitError(ErrorCode.SHUTTING_DOWN, "gateway is shutting down")
}

/**
 * `GET /v1/subscribe`: the SSE stream. Headers go out only once the channel
 * is live in the broker and the replay is read, so nothing can slip between.
 */
export function subscribeRoute(ctx: GatewayContext): RequestHandler {
  const retry = retryFrame(ctx.options.retryMs)
  // One close handler for every stream, not a closure per connection.
  const onClose = (s: SseSession, reason: CloseReason | "disconnected") => {
    ctx.fanout.leave(s)
    if (s.clientAddress !== undefined) ctx.streamQuota?.release(s.clientAddress)
    ctx.metrics.streamsClosed.inc({ reason })
    if (reason === "slow_consumer") ctx.logger.warn({ channel: s.channel }, "slow consumer dropped")
  }
  return async (req, res) => {
    const channel = assertChannelName(queryString(req, "channel"))
    const topics = queryTopics(req) ?? null
    const after = resumeFrom(req)
    const grant = await ctx.auth.authorizeSubscribe(presentedCredential(req), channel, topics)
    if (ctx.closing.value) throw new ConduitError(ErrorCode.SHUTTING_DOWN, "gateway is shutting down")
    if (!ctx.broker.isReady()) throw new ConduitError(ErrorCode.BROKER_UNAVAILABLE, "broker unavailable")

    const socket = req.socket
    const clientAddress = ctx.streamQuota ? (socket.remoteAddress ?? "") : undefined
    if (clientAddress !== undefined && !ctx.streamQuota!.acquire(clientAddress)) {
      throw new ConduitError(ErrorCode.RATE_LIMITED, `too many open streams from this address (limit ${ctx.streamQuota!.max})`, {
        details: { limit: ctx.streamQuota!.max, retryAfter: 1 },
      })
    }
    socket.setNoDelay(true)
    socket.setTimeout(0)
    const session = new SseSession(socket, {
      channel,
      topics: grant.topics,
      slowConsumerBytes: ctx.options.slowConsumerBytes,
      ...(ctx.options.enforceTokenExpiry && grant.expiresAtMs !== undefined ? { expiresAtMs: grant.expiresAtMs } : {}),
      onClose,
      ...(clientAddress === undefined ? {} : { clientAddress }),
    })
    try {
      await ctx.fanout.join(session)
      const history = after === undefined ? null : await ctx.broker.read(channel, after)
      if (session.closed) {
        if (session.closeReason === "disconnected") return // nobody left to answer
        res.setHeader("Connection", "close") // a closing gateway must not wait out a keep-alive
        throw refusalFor(session)
      }
      const prelude = [retry]
      if (history?.gap) prelude.push(gapFrame(history.gap))
      for (const m of history?.messages ?? []) {
        if (session.wants(m.topic)) prelude.push(frameOf(m))
      }
      ctx.hot.replayed += prelude.length - (history?.gap ? 2 : 1)
      res.useChunkedEncodingByDefault = false // the body ends when the connection does
      res.writeHead(200, SSE_HEADERS)
      res.flushHeaders()
      const replayedThrough = history?.messages.at(-1)?.id ?? (after === "0" ? null : (after ?? null))
      session.start(prelude, replayedThrough)
      releaseRequestState(req, res)
    } catch (error) {
      session.discard()
      throw error
    }
  }
}
