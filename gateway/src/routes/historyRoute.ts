import { assertChannelName, ConduitError, ErrorCode, isValidId, START_ID } from "@conduit/shared"
import type { RequestHandler } from "express"
import { messageJson } from "../broker/storedMessage.ts"
import type { GatewayContext } from "../GatewayContext.ts"
import { bearerOf } from "../http/credentials.ts"
import { queryString, queryTopics } from "../http/queryParams.ts"

const COMMA = Buffer.from(",")

/** `GET /v1/channels/:channel/history?after=&limit=&topics=`: retained messages as JSON. */
export function historyRoute(ctx: GatewayContext): RequestHandler {
  return async (req, res) => {
    ctx.auth.checkKey(bearerOf(req, false))
    const channel = assertChannelName(req.params.channel)
    const after = queryString(req, "after") ?? START_ID
    if (!isValidId(after)) throw new ConduitError(ErrorCode.INVALID_QUERY, "after must be a message id or 0")
    const rawLimit = queryString(req, "limit")
    const limit = rawLimit === undefined ? ctx.options.historySize : Number(rawLimit)
    if (!Number.isInteger(limit) || limit < 1 || limit > ctx.options.historySize) {
      throw new ConduitError(ErrorCode.INVALID_QUERY, `limit must be 1-${ctx.options.historySize}`)
    }
    const topics = queryTopics(req)
    const { messages, gap } = await ctx.broker.read(channel, after, limit)
    const kept = topics === undefined ? messages : messages.filter((m) => m.topic.startsWith("$") || topics.includes(m.topic))
    // The stored JSON is spliced in as is (read from each message's frame): history is never re-serialized.
    const parts: Buffer[] = [Buffer.from('{"messages":[')]
    kept.forEach((m, i) => parts.push(...(i === 0 ? [] : [COMMA]), messageJson(m)))
    parts.push(Buffer.from(`],"gap":${JSON.stringify(gap)}}`))
    res.type("application/json").send(Buffer.concat(parts))
  }
}
