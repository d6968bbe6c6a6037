import type { IncomingMessage } from "node:http"
import { queryString } from "./queryParams.ts"

/** What a subscribe request presents, by where it travels: the query reaches access logs. */
export interface PresentedCredential {
  /** `Authorization: Bearer X` */
  header?: string
  /** `?token=X` (native `EventSource` cannot set headers) */
  query?: string
}

/** `Authorization: Bearer X`, else `?token=X` when allowed; undefined when neither. */
export function bearerOf(req: IncomingMessage, allowQuery: boolean): string | undefined {
  const { header, query } = presentedCredential(req, allowQuery)
  return header ?? query
}

/** Both places a subscribe credential may be, each kept (the signing key is refused in the query even beside a header). */
export function presentedCredential(req: IncomingMessage, withQuery = true): PresentedCredential {
  const credential: PresentedCredential = {}
  const auth = req.headers.authorization
  const m = typeof auth === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null
  if (m) credential.header = m[1]!
  const query = withQuery ? queryString(req, "token") : undefined
  if (query) credential.query = query
  return credential
}
