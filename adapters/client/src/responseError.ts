import { ConduitError, ErrorCode, readErrorBody } from "@conduit/shared"

/** The `ConduitError` a non-2xx subscribe answer stands for (its JSON `error.code` when it has one). */
export async function responseError(response: Response): Promise<ConduitError> {
  const body = readErrorBody(await response.text().catch(() => ""))
  const retryAfter = Number(response.headers.get("retry-after"))
  const details = { status: response.status, ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) }
  if (body) return new ConduitError(body.code, body.message ?? body.code, { details })
  const code = response.status >= 500 ? ErrorCode.INTERNAL : ErrorCode.HTTP
  return new ConduitError(code, `subscribe answered HTTP ${response.status}`, { details })
}
