import type { Request } from "express"
import { queryString } from "./queryParams.ts"

/** `Authorization: Bearer X`, else `?token=X` when allowed; undefined when neither. */
export function bearerOf(req: Request, allowQuery: boolean): string | undefined {
  const header = req.headers.authorization
  if (typeof header === "string") {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (m) return m[1]
  }
  const query = allowQuery ? queryString(req, "token") : undefined
  return query === "" ? undefined : query
}
