import { ConduitError, ErrorCode } from "@conduit/shared"

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode))

/** The `ConduitError` a non-2xx subscribe answer stands for (its JSON `error.code` when it has one). */
export async function responseError(response: Response): Promise<ConduitError> {
  let body: unknown
  try {
    body = await response.json()
  } catch {
    body = undefined
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error
  const retryAfter = Number(response.headers.get("retry-after"))
  const details = { status: response.status, ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) }
  if (error && typeof error.code === "string" && KNOWN_CODES.has(error.code)) {
    const message = typeof error.message === "string" ? error.message : error.code
    return new ConduitError(error.code as ErrorCode, message, { details })
  }
  const code = response.status >= 500 ? ErrorCode.INTERNAL : ErrorCode.HTTP
  return new ConduitError(code, `subscribe answered HTTP ${response.status}`, { details })
}
