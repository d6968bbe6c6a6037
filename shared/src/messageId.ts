/**
 * Message ids are `<unixMs>-<seq>`, the Redis Streams form: strictly
 * increasing per channel, and still increasing after a restart because the
 * first part is the clock. Clients treat them as opaque strings.
 */
export interface ParsedId {
  readonly ms: number
  readonly seq: number
}

/**
 * Most digits of each part: 15 keeps both exact as JavaScript numbers. The
 * Redis scripts parse ids by the same rule (`ID_RULE` in the gateway's
 * `broker/redisScripts.ts`, tested against `parseId`).
 */
export const ID_PART_DIGITS = 15
const ID_RE = new RegExp(`^(\\d{1,${ID_PART_DIGITS}})-(\\d{1,${ID_PART_DIGITS}})$`)

/**
 * The start: a resume point before every message (`lastEventId=0` replays all
 * retained history), and the position of a channel with no messages yet.
 */
export const START_ID = "0"
/** The spellings of the start: `0`, and `0-0`, the id that sorts before every real one. */
export const START_IDS: readonly string[] = [START_ID, "0-0"]

/** Whether `id` means the start rather than a message to resume after. */
export function isStartId(id: string): boolean {
  return START_IDS.includes(id)
}

export function formatId(ms: number, seq: number): string {
  return `${ms}-${seq}`
}

/** Parses `ms-seq` (and `0`, meaning the start); null for anything else. */
export function parseId(id: string): ParsedId | null {
  if (id === START_ID) return { ms: 0, seq: 0 }
  const m = ID_RE.exec(id)
  if (!m) return null
  return { ms: Number(m[1]), seq: Number(m[2]) }
}

/** The time part (unix ms) of an id the gateway made: `parseId(id).ms` without the check, for the publish path. */
export function idTimeMs(id: string): number {
  return Number(id.slice(0, id.indexOf("-")))
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
