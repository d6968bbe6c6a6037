import { ConduitError, ErrorCode } from "@conduit/shared"

/** A duration: milliseconds, or a string such as `"500ms"`, `"30s"`, `"15m"`, `"1h"`, `"7d"`. */
export type Duration = number | `${number}${"ms" | "s" | "m" | "h" | "d"}`

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Milliseconds of a `Duration`; ERR_INVALID_BODY for anything else (a negative number, `"1 hour"`). */
export function parseDuration(duration: Duration, what: string): number {
  if (typeof duration === "number" && Number.isFinite(duration) && duration >= 0) return duration
  const match = typeof duration === "string" ? /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(duration) : null
  if (!match) {
    throw new ConduitError(ErrorCode.INVALID_BODY, `${what} must be milliseconds or a string like "30s", "15m", "1h", got ${JSON.stringify(duration)}`)
  }
  return Number(match[1]) * UNIT_MS[match[2]!]!
}
