import { isUtf8 } from "node:buffer"
import { ConduitError, ErrorCode } from "@conduit/shared"

// Only a literal with 16 digits in a row, or an exponent of 3 digits, can lose digits, overflow or underflow a double.
const MAY_LOSE_DIGITS = /\d{16}|[eE][+-]?\d{3}/
const INTEGER = /^-?\d+$/

/**
 * Parses a request body as strict JSON, so that what is stored is what was
 * sent, or nothing: UTF-8 only (RFC 8259 §8.1; invalid bytes were silently
 * replaced by U+FFFD), an object or array at the top, and no number that a
 * double cannot hold (RFC 7493 §2.2): `1e400` (was stored as `null`),
 * `1e-400` (as `0`), and an integer that would come back with other digits:
 * past 2^53 not every integer is a double (`9007199254740993` was stored as
 * `9007199254740992`), while `2^60`, `1e20` and whatever JSON.stringify
 * writes are kept. Decimals are doubles, as in JavaScript:
 * `0.1000000000000000000001` is `0.1`. A leading byte order mark is skipped.
 * Throws `ERR_INVALID_JSON`.
 */
export function parseJsonBody(bytes: Buffer): unknown {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  if (!isUtf8(bytes.subarray(start))) throw invalid("the body is not valid UTF-8")
  const text = bytes.toString("utf8", start)
  const first = /\S/.exec(text)?.[0]
  if (first !== "{" && first !== "[") throw invalid("the body must be a JSON object or array")
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw invalid(`the body is not valid JSON: ${(error as Error).message}`, error)
  }
  const lossy = MAY_LOSE_DIGITS.test(text) && holdsSuspectNumber(value) ? firstLossyNumber(text) : undefined
  if (lossy !== undefined) {
    const shown = lossy.literal.length > 40 ? `${lossy.literal.slice(0, 40)}…` : lossy.literal
    throw invalid(`the number ${shown} ${lossy.reason}`, undefined, { number: shown })
  }
  return value
}

function invalid(message: string, cause?: unknown, details?: Record<string, unknown>): ConduitError {
  return new ConduitError(ErrorCode.INVALID_JSON, message, { ...(cause === undefined ? {} : { cause }), ...(details ? { details } : {}) })
}

/**
 * Whether a parsed value holds a number that a lossy literal would have
 * parsed to: not finite (beyond a double), an integer past 2^53 (other
 * digits), or 0 (underflow). Only then is the text scanned for the literal:
 * a 16-digit timestamp below 2^53 (`Date.now() * 1000`) costs a walk over the
 * values, not a scan of every character. Iterative: the depth of the value
 * is the sender's.
 */
function holdsSuspectNumber(value: unknown): boolean {
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const v = stack.pop()
    if (typeof v === "number") {
      if (v === 0 || !Number.isFinite(v) || (Number.isInteger(v) && !Number.isSafeInteger(v))) return true
    } else if (typeof v === "object" && v !== null) {
      if (Array.isArray(v)) for (const item of v) stack.push(item)
      else for (const key in v) stack.push((v as Record<string, unknown>)[key])
    }
  }
  return false
}

/** The first number literal of valid JSON `text` that would not be stored as written, and why. */
function firstLossyNumber(text: string): { literal: string; reason: string } | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22 /* " */) {
      i = closingQuote(text, i)
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let end = i + 1
      while (end < text.length && isNumberChar(text.charCodeAt(end))) end++
      const literal = text.slice(i, end)
      const reason = lossOf(literal)
      if (reason !== undefined) return { literal, reason }
      i = end - 1
    }
  }
  return undefined
}

function lossOf(literal: string): string | undefined {
  const value = Number(literal)
  if (!Number.isFinite(value)) return "is beyond the range of a double"
  // Kept if it comes back with the same digits (what JSON.stringify writes), or the same value spelled with an exponent.
  if (INTEGER.test(literal) && !Number.isSafeInteger(value) && String(value) !== literal && BigInt(literal) !== BigInt(value)) {
    return "would come back with other digits (past 2^53 not every integer is a double); send it as a string"
  }
  if (value === 0 && /[1-9]/.test(literal.split(/[eE]/)[0]!)) return "is too small for a double and would be stored as 0"
  return undefined
}

/** Index of the quote that ends the string opening at `open` (the text is valid JSON). */
function closingQuote(text: string, open: number): number {
  let at = text.indexOf('"', open + 1)
  for (;;) {
    let backslashes = 0
    while (text.charCodeAt(at - 1 - backslashes) === 0x5c /* \ */) backslashes++
    if (backslashes % 2 === 0) return at
    at = text.indexOf('"', at + 1)
  }
}

function isNumberChar(c: number): boolean {
  // digits . + - e E
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2b || c === 0x2d || c === 0x65 || c === 0x45
}
