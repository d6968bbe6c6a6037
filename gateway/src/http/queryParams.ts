import { assertTopicName, ConduitError, ErrorCode } from "@conduit/shared"
import type { Request } from "express"

/** A single-valued query parameter; a repeated one is an error, not a guess. */
export function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name]
  if (value === undefined) return undefined
  if (typeof value !== "string") {
    throw new ConduitError(ErrorCode.INVALID_QUERY, `query parameter "${name}" must be given once`, { details: { param: name } })
  }
  return value
}

/** `topics=a,b` → ["a","b"] (deduplicated); undefined when absent. */
export function queryTopics(req: Request): string[] | undefined {
  const raw = queryString(req, "topics")
  if (raw === undefined) return undefined
  return [...new Set(raw.split(",").map((t) => assertTopicName(t.trim())))]
}
