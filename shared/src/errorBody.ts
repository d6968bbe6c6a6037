import { ErrorCode } from "./errorCodes.ts"
import { parseJson } from "./parseJson.ts"

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode))

/** What a gateway error answer's body says: its code (a known one), message and the other fields. */
export interface ErrorBody {
  code: ErrorCode
  message: string | undefined
  /** The fields beside `code` and `message` (`limit`, `issues`, …). */
  details: Record<string, unknown>
}

/**
 * Reads a gateway error answer, `{ "error": { "code", "message", ...details } }`;
 * undefined when the text is not one, or its code is not one this version
 * knows (the caller then falls back on the HTTP status).
 */
export function readErrorBody(text: string): ErrorBody | undefined {
  const error = (parseJson(text) as { error?: unknown } | undefined)?.error
  if (typeof error !== "object" || error === null) return undefined
  const { code, message, ...details } = error as Record<string, unknown>
  if (typeof code !== "string" || !KNOWN_CODES.has(code)) return undefined
  return { code: code as ErrorCode, message: typeof message === "string" ? message : undefined, details }
}
