/**
 * Message ids are `<unixMs>-<seq>`, the Redis Streams form: strictly
 * increasing per channel, and still increasing after a restart because the
 * first part is the clock. Clients treat them as opaque strings.
 */
export interface ParsedId {
  readonly ms: number
  readonly seq: number
}

const ID_RE = /^(\d{1,15})-(\d{1,15})$/

/** The id that sorts before every real id: `lastEventId=0` replays everything. */
export const ID_ZERO = "0-0"

export function formatId(ms: number, seq: number): string {
  return `${ms}-${seq}`
}

/** Parses `ms-seq` (and `0`, meaning the start); null for anything else. */
export function parseId(id: string): ParsedId | null {
  if (id === "0") return { ms: 0, seq: 0 }
  const m = ID_RE.exec(id)
  if (!m) return null
  return { ms: Number(m[1]), seq: Number(m[2]) }
}

export function isValidId(id: unknown): id is string {
  return typeof id === "string" && parseId(id) !== null
}

/** Negative when a < b, 0 when equal, positive when a > b. Both must be valid. */
export function compareIds(a: string, b: string): number {
  const pa = parseId(a)
  const pb = parseId(b)
  if (!pa || !pb) throw new TypeError(`not a message id: ${pa ? b : a}`)
  return pa.ms - pb.ms || pa.seq - pb.seq
}

/** Next id after `last` for a message created at `nowMs` (clock may go back). */
export function nextId(last: ParsedId | null, nowMs: number): ParsedId {
  if (!last || nowMs > last.ms) return { ms: nowMs, seq: 0 }
  return { ms: last.ms, seq: last.seq + 1 }
}
