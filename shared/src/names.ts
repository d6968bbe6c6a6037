import { ConduitError } from "./ConduitError.ts"
import { ErrorCode } from "./errorCodes.ts"
import { CHANNEL_NAME_MAX, TOPIC_NAME_MAX } from "./limits.ts"

// Channel names reach SSE frames and Redis keys: no whitespace, CR, LF or NUL.
const CHANNEL_CHARS = "[A-Za-z0-9_:.@/=+-]"
const CHANNEL_RE = new RegExp(`^${CHANNEL_CHARS}{1,${CHANNEL_NAME_MAX}}$`)
// Topics: a letter or digit, then more of [A-Za-z0-9_.-], TOPIC_NAME_MAX in all. `$` is reserved.
const TOPIC_PATTERN = `[A-Za-z0-9][A-Za-z0-9_.-]{0,${TOPIC_NAME_MAX - 1}}`
const TOPIC_RE = new RegExp(`^${TOPIC_PATTERN}$`)

export function isValidChannelName(name: unknown): name is string {
  return typeof name === "string" && CHANNEL_RE.test(name)
}

export function isValidTopicName(name: unknown): name is string {
  return typeof name === "string" && TOPIC_RE.test(name)
}

export function assertChannelName(name: unknown): string {
  if (!isValidChannelName(name)) {
    const rule = `1-${CHANNEL_NAME_MAX} characters of ${CHANNEL_CHARS}`
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
      `topic must match ${TOPIC_PATTERN}; names starting with $ are reserved`,
      { details: { topic: typeof name === "string" ? name.slice(0, 100) : typeof name } },
    )
  }
  return name
}
