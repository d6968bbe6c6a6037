import { ConduitError } from "./ConduitError.ts"
import { ErrorCode } from "./errorCodes.ts"

// Channel names reach SSE frames and Redis keys: no whitespace, CR, LF or NUL.
const CHANNEL_RE = /^[A-Za-z0-9_:.@/=+-]{1,256}$/
// Topics: a letter or digit, then up to 63 of [A-Za-z0-9_.-]. `$` is reserved.
const TOPIC_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

export function isValidChannelName(name: unknown): name is string {
  return typeof name === "string" && CHANNEL_RE.test(name)
}

export function isValidTopicName(name: unknown): name is string {
  return typeof name === "string" && TOPIC_RE.test(name)
}

export function assertChannelName(name: unknown): string {
  if (!isValidChannelName(name)) {
    const rule = "1-256 characters of [A-Za-z0-9_:.@/=+-]"
    if (name === undefined) throw new ConduitError(ErrorCode.INVALID_CHANNEL, `channel is required: ${rule}`)
    // Echo a wrong name (cut short); of anything else, only its type: never a made-up "channel":"undefined".
    throw new ConduitError(ErrorCode.INVALID_CHANNEL, `channel must be ${rule}`, {
      details: typeof name === "string" ? { channel: name.slice(0, 300) } : { type: typeof name },
    })
  }
  return name
}

export function assertTopicName(name: unknown): string {
  if (!isValidTopicName(name)) {
    throw new ConduitError(
      ErrorCode.INVALID_TOPIC,
      "topic must match [A-Za-z0-9][A-Za-z0-9_.-]{0,63}; names starting with $ are reserved",
      { details: { topic: typeof name === "string" ? name.slice(0, 100) : typeof name } },
    )
  }
  return name
}
