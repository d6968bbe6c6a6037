import type { IncomingMessage, ServerResponse } from "node:http"
import { ConduitError, ErrorCode } from "@conduit/shared"
import type { PreparedMessage } from "../broker/Broker.ts"
import type { GatewayContext } from "../GatewayContext.ts"
import { assertNdjsonContentType, ndjsonLines } from "../http/ndjsonLines.ts"
import { parseJsonBody } from "../http/parseJsonBody.ts"
import { inflated } from "../http/readBody.ts"
import type { Publisher } from "../publish/createPublisher.ts"
import { prepareMessage } from "../publish/preparePublish.ts"
import { takePublishRate } from "./publishRoute.ts"

/**
 * `POST /v1/publish` with `Content-Type: application/x-ndjson`: one message
 * object per line, over one request as long as the sender likes. Each read
 * of the body is split into lines, each line checked like a one-message
 * JSON publish (strict JSON, names, size, schema; at most `maxRequestBytes`
 * a line) and the read's lines published together before the next read: in
 * order, so per channel in line order, and the sender is slowed to the
 * broker's pace.
 *
 * The rule for a bad line: every line before it is published, it and every
 * line after it are not (the rest of the body is not read). The answer is
 * 202 `{ published, ids }` when every line was published, else the bad
 * line's error as any error, `{ error: { code, message, line, published, ids } }`
 * with its status: what was published, and where to resume. Blank lines are
 * skipped (they keep their line numbers). No line at all is `ERR_INVALID_BODY`.
 */
export async function publishNdjson(ctx: GatewayContext, publisher: Publisher, req: IncomingMessage, res: ServerResponse): Promise<void> {
  assertNdjsonContentType(req.headers["content-type"]!)
  if (req.headers["idempotency-key"] !== undefined) {
    // A retry of a stream of any length cannot be answered from memory: each line carries its own idempotencyKey instead.
    throw new ConduitError(ErrorCode.INVALID_BODY, "Idempotency-Key is for JSON bodies; give NDJSON lines an idempotencyKey each", {
      details: { field: "Idempotency-Key" },
    })
  }
  const ids: string[] = []
  const decoder = inflated(req)
  let first = true
  try {
    for await (const { lines, numbers } of ndjsonLines(decoder ?? req, ctx.options.maxRequestBytes)) {
      const prepared: PreparedMessage[] = []
      let failure: unknown
      for (let i = 0; i < lines.length && failure === undefined; i++) {
        try {
          // The request's own rate token covers its first line; every further line takes one.
          if (!first) takePublishRate(ctx, req)
          first = false
          const message = parseJsonBody(lines[i]!)
          if (Array.isArray(message)) throw new ConduitError(ErrorCode.INVALID_BODY, "each line is one message object")
          const ready = prepareMessage(message, ctx.options, ctx.registry)
          prepared.push(ready instanceof Promise ? await ready : ready)
        } catch (error) {
          failure = atLine(error, numbers[i]!)
        }
      }
      if (prepared.length > 0) {
        try {
          for (const id of await publisher.publishPrepared(prepared)) ids.push(id)
        } catch (error) {
          // The batch is all or nothing: its first line is where the sender resumes.
          throw summary(atLine(error, numbers[0]!), ids)
        }
      }
      if (failure !== undefined) throw summary(failure, ids)
      if (req.socket.destroyed) return // nobody left to answer; what was published stays published
    }
  } catch (error) {
    if (error instanceof ConduitError && error.details.published !== undefined) throw error
    throw summary(error, ids)
  } finally {
    if (decoder) {
      req.unpipe(decoder)
      decoder.destroy()
    }
  }
  if (ids.length === 0) throw summary(new ConduitError(ErrorCode.INVALID_BODY, "the body has no line to publish", { details: { line: 1 } }), ids)
  const answer = JSON.stringify({ published: ids.length, ids })
  res.writeHead(202, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(answer) }).end(answer)
}

/** The error of one line, with its number (the error's own `details.index` means nothing here). */
function atLine(error: unknown, line: number): unknown {
  if (!(error instanceof ConduitError)) return error
  const { index: _index, ...details } = error.details
  return new ConduitError(error.code, `line ${line}: ${error.message}`, { details: { ...details, line }, cause: error })
}

/** The first error, carrying what was published before it. */
function summary(error: unknown, ids: string[]): unknown {
  if (!(error instanceof ConduitError)) return error
  return new ConduitError(error.code, error.message, { details: { ...error.details, published: ids.length, ids }, cause: error.cause })
}
