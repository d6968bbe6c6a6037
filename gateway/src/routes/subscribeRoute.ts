import { assertChannelName, type CloseReason, ConduitError, ErrorCode, isConduitError, isStartId, isValidId, START_ID } from "@conduit/shared"
import type { IncomingMessage, ServerResponse } from "node:http"
import type { GatewayContext } from "../GatewayContext.ts"
import { presentedCredential } from "../http/credentials.ts"
import type { NodeRoute } from "../http/nodeRoute.ts"
import { queryString, queryTopics } from "../http/queryParams.ts"
import { closeFrame, frameOf, gapFrame, positionFrame, retryFrame } from "../stream/frames.ts"
import { SseSession } from "../stream/SseSession.ts"

const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
}

/** Where to resume: the Last-Event-ID header (EventSource's own) wins over the query. */
function resumeFrom(req: IncomingMessage): string | undefined {
  const header = req.headers["last-event-id"]
  const raw = typeof header === "string" && header !== "" ? header : queryString(req, "lastEventId")
  if (raw === undefined) return queryString(req, "replay") === "all" ? START_ID : undefined
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
 * (`$close`), never an Express error response. (On the fast path there is
 * nothing of Express to let go of.)
 */
function releaseRequestState(req: IncomingMessage, res: ServerResponse): void {
  const q = req as unknown as Record<string, unknown>
  q.next = undefined
  q._parsedUrl = undefined
  q.params = undefined
  ;(res as unknown as Record<string, unknown>).locals = undefined
  // The credential was checked: the token (a few hundred bytes per stream) need not stay in memory, nor reach a heap dump.
  delete req.headers.authorization
  const raw = req.rawHeaders
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 13 && raw[i]!.toLowerCase() === "authorization") raw[i + 1] = ""
}

/** Why a stream closed before it started, as the error its request answers with. */
function refusalFor(session: SseSession): ConduitError {
  return session.closeReason === "broker_unavailable"
    ? new ConduitError(ErrorCode.BROKER_UNAVAILABLE, "broker unavailable")
    : new ConduitError(ErrorCode.SHUTTING_DOWN, "gateway is shutting down")
}

/** The refusals a subscribe answers as a stream that ends at once, and the `$close` reason each sends. */
const CLOSE_REASON_OF: Partial<Record<ErrorCode, CloseReason>> = {
  [ErrorCode.BROKER_UNAVAILABLE]: "broker_unavailable",
  [ErrorCode.SHUTTING_DOWN]: "shutdown",
}

/**
 * The answer while the broker is unavailable or the gateway shuts down: a
 * stream that ends at once with `$close <reason>` and a `retry:` drawn from
 * the reason's reconnect window, as the streams already open get. Not a 503:
 * by the SSE spec a native EventSource gives up for good on any status but
 * 200, and both end by themselves (Redis comes back; another node, or this
 * one restarted, takes the reconnect).
 */
function answerClosed(res: ServerResponse, reason: CloseReason, retryMs: number): void {
  res.useChunkedEncodingByDefault = false
  res.writeHead(200, { ...SSE_HEADERS, Connection: "close" })
  res.end(closeFrame(reason, retryMs))
}

/**
 * `GET /v1/subscribe`: the SSE stream. Headers go out only once the channel
 * is live in the broker and the replay is read, so nothing can slip between.
 */
export function subscribeRoute(ctx: GatewayContext): NodeRoute {
  const open = openStream(ctx)
  return async (req, res) => {
    try {
      await open(req, res)
    } catch (error) {
      const reason = isConduitError(error) ? CLOSE_REASON_OF[error.code] : undefined
      if (reason === undefined || res.headersSent) throw error
      ctx.metrics.rejected.inc({ code: (error as ConduitError).code })
      answerClosed(res, reason, ctx.options.retryMs)
    }
  }
}

function openStream(ctx: GatewayContext): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
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
    const socket = req.socket
    // Read now: a socket that closes meanwhile forgets its address.
    const clientAddress = ctx.streamQuota ? (socket.remoteAddress ?? "") : undefined
    const grant = await ctx.auth.authorizeSubscribe(presentedCredential(req), channel, topics)
    // The client may have left during the token check. Its socket's close has fired
    // already, so a session made now would never hear it and stay in the fan-out for
    // good. From the session on, its own close handling covers every later await.
    if (socket.destroyed) return
    if (ctx.closing.value) throw new ConduitError(ErrorCode.SHUTTING_DOWN, "gateway is shutting down")
    if (!ctx.broker.isReady()) throw new ConduitError(ErrorCode.BROKER_UNAVAILABLE, "broker unavailable")

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
      // A live-only stream reads no messages, only where the channel is: it starts there.
      const history = await ctx.broker.read(channel, after ?? START_ID, after === undefined ? 0 : undefined)
      if (session.closed) {
        if (session.closeReason === "disconnected") return // nobody left to answer
        throw refusalFor(session) // answered as a stream that ends at once, see answerClosed
      }
      const gap = after === undefined ? null : history.gap
      const prelude = [retry]
      if (gap) prelude.push(gapFrame(gap))
      for (const m of history.messages) {
        if (session.wants(m.topic)) prelude.push(frameOf(m))
      }
      ctx.hot.replayed += prelude.length - (gap ? 2 : 1)
      // Everything up to here was read (other topics included); live messages start after it.
      // Also after a gap: a resume point past the channel's newest must not hold back what comes.
      // A channel with no messages is at the start: resuming from there replays everything.
      const position = history.messages.at(-1)?.id ?? history.newest ?? START_ID
      prelude.push(positionFrame(position))
      res.useChunkedEncodingByDefault = false // the body ends when the connection does
      res.writeHead(200, SSE_HEADERS)
      res.flushHeaders()
      session.start(prelude, isStartId(position) ? null : position)
      releaseRequestState(req, res)
    } catch (error) {
      session.discard()
      throw error
    }
  }
}
