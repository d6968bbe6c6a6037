import type { IncomingMessage } from "node:http"
import { assertTopicName, ConduitError, ErrorCode } from "@conduit/shared"

/** Parameters (`&`-separated pieces, empty ones included) a query may have. */
export const MAX_QUERY_PARAMS = 1000

/**
 * The query of a request URL, parsed here rather than read from `req.query`:
 * Node's `querystring` (Express's parser, and the host app's when the router
 * is embedded) stops at 1,000 pieces without a word, so `channel=A` + 10,000
 * `&` + `&channel=B` was served as A. A query that long is refused instead.
 */
export function queryOf(url: string): URLSearchParams {
  const at = url.indexOf("?")
  if (at === -1) return new URLSearchParams()
  const search = url.slice(at + 1)
  let pieces = 1
  for (let i = search.indexOf("&"); i !== -1; i = search.indexOf("&", i + 1)) {
    if (++pieces > MAX_QUERY_PARAMS) {
      throw new ConduitError(ErrorCode.INVALID_QUERY, `a query may have at most ${MAX_QUERY_PARAMS} parameters`, {
        details: { limit: MAX_QUERY_PARAMS },
      })
    }
  }
  return new URLSearchParams(search)
}

/** A single-valued query parameter; a repeated one is an error, not a guess. */
export function queryString(req: IncomingMessage, name: string): string | undefined {
  const values = queryOf(req.url ?? "").getAll(name)
  if (values.length > 1) {
    throw new ConduitError(ErrorCode.INVALID_QUERY, `query parameter "${name}" must be given once`, { details: { param: name } })
  }
  return values[0]
}

/** `topics=a,b` → ["a","b"] (deduplicated); undefined when absent. */
export function queryTopics(req: IncomingMessage): string[] | undefined {
  const raw = queryString(req, "topics")
  if (raw === undefined) return undefined
  return [...new Set(raw.split(",").map((t) => assertTopicName(t.trim())))]
}
