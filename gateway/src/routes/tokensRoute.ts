import { assertChannelName, assertTopicName, ConduitError, ErrorCode } from "@conduit/shared"
import type { RequestHandler } from "express"
import { ALL_TOPICS } from "../auth/createAuth.ts"
import type { GatewayContext } from "../GatewayContext.ts"
import { bearerOf } from "../http/credentials.ts"
import { jsonBody } from "./publishRoute.ts"

/** `POST /v1/tokens` `{channel, topics, expiresIn?, sub?, runEvents?}` → `{token, expiresAt}`: for non-JS backends and curl. */
export function tokensRoute(ctx: GatewayContext): RequestHandler[] {
  const handle: RequestHandler = async (req, res) => {
    const body = req.body as Record<string, unknown> | undefined
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new ConduitError(ErrorCode.INVALID_BODY, "body must be { channel, topics, expiresIn? }")
    }
    const channel = assertChannelName(body.channel)
    if (!Array.isArray(body.topics) || body.topics.length === 0 || body.topics.length > 256) {
      throw new ConduitError(ErrorCode.INVALID_BODY, 'topics must be a non-empty array of topic names (or ["*"])')
    }
    const topics = body.topics.map((t) => (t === ALL_TOPICS ? t : assertTopicName(t)))
    const { expiresIn, sub, runEvents } = body
    if (expiresIn !== undefined && typeof expiresIn !== "number") {
      throw new ConduitError(ErrorCode.INVALID_BODY, "expiresIn must be a number of seconds")
    }
    if (sub !== undefined && (typeof sub !== "string" || sub.length === 0 || sub.length > 256)) {
      throw new ConduitError(ErrorCode.INVALID_BODY, "sub must be a string of 1-256 characters")
    }
    if (runEvents !== undefined && typeof runEvents !== "boolean") {
      throw new ConduitError(ErrorCode.INVALID_BODY, "runEvents must be true or false")
    }
    res.json(
      await ctx.auth.mintToken({
        channel,
        topics,
        // Its range (1 to maxTokenTtlSeconds) is checked by mintToken, for in-process callers too.
        ...(expiresIn === undefined ? {} : { expiresIn }),
        ...(sub === undefined ? {} : { sub: sub as string }),
        ...(runEvents === undefined ? {} : { runEvents }),
      }),
    )
  }
  const checkKey: RequestHandler = (req, _res, next) => {
    ctx.auth.checkKey(bearerOf(req, false))
    next()
  }
  return [checkKey, ...jsonBody(ctx), handle]
}
