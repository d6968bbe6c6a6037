import { ConduitError } from "./ConduitError.ts"
import { ErrorCode } from "./errorCodes.ts"

export interface SseFrame {
  id?: string
  event?: string
  /** Split on line breaks into one `data:` line each (the spec joins them with LF). */
  data?: string
  /**
   * Data known to hold no line break (`JSON.stringify` output), written as one
   * `data:` line without the split `data` costs (a 512 KiB message is checked
   * for line breaks once, by whoever made it, not again here). The caller vouches for it.
   */
  dataLine?: string
  /** Reconnection time in ms. */
  retry?: number
  /** A comment line (`: text`), ignored by clients; used for heartbeats. */
  comment?: string
}

// "If the field name is "id": If the field value does not contain U+0000 NULL,
// then set the last event ID buffer to the field value." A CR or LF would end
// the field early and let the rest be read as another field: frame injection.
const UNSAFE_FIELD = /[\r\n\0]/
const LINE_BREAK = /\r\n|\r|\n/

function assertSafe(field: string, value: string): void {
  if (UNSAFE_FIELD.test(value)) {
    throw new ConduitError(ErrorCode.INVALID_FRAME, `SSE ${field} must not contain CR, LF or NUL`, {
      details: { field },
    })
  }
}

/** The one function that owns the SSE frame format. Ends with a blank line. */
export function encodeSseFrame(frame: SseFrame): string {
  let out = ""
  if (frame.comment !== undefined) {
    for (const line of frame.comment.split(LINE_BREAK)) out += `: ${line}\n`
  }
  if (frame.retry !== undefined) {
    if (!Number.isInteger(frame.retry) || frame.retry < 0) {
      throw new ConduitError(ErrorCode.INVALID_FRAME, "SSE retry must be a non-negative integer")
    }
    out += `retry: ${frame.retry}\n`
  }
  if (frame.id !== undefined) {
    assertSafe("id", frame.id)
    out += `id: ${frame.id}\n`
  }
  if (frame.event !== undefined) {
    assertSafe("event", frame.event)
    out += `event: ${frame.event}\n`
  }
  if (frame.data !== undefined) {
    for (const line of frame.data.split(LINE_BREAK)) out += `data: ${line}\n`
  }
  if (frame.dataLine !== undefined) out += `data: ${frame.dataLine}\n`
  return `${out}\n`
}
