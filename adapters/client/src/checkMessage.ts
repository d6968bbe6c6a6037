import { ConduitError, type ChannelInstance, type Envelope, ErrorCode, validateData } from "@conduit/shared"

/** A received message checked against its topic schema: the message with parsed data, or the error to report. */
export type Checked = { ok: true; message: Envelope } | { ok: false; error: ConduitError }

function invalid(message: Envelope, issues: unknown, text: string): Checked {
  const details = { id: message.id, topic: message.topic, data: message.data, issues }
  return { ok: false, error: new ConduitError(ErrorCode.VALIDATION, text, { details }) }
}

function settle(message: Envelope, result: Awaited<ReturnType<typeof validateData>>): Checked {
  if (result.ok) return { ok: true, message: { ...message, data: result.value } }
  return invalid(message, result.issues, `message ${message.id} on topic "${message.topic}" does not match its schema`)
}

/**
 * Validates `data` with the channel definition's schema for the topic (the
 * schema's output replaces it, so transforms apply). A channel given by name
 * has no schemas: its messages pass as they are. Synchronous when the schema
 * is, so ordering costs nothing in the common case.
 */
export function checkMessage(channel: ChannelInstance<any> | string, message: Envelope): Checked | Promise<Checked> {
  if (typeof channel === "string") return { ok: true, message }
  const config = channel.definition.topicConfigs[message.topic]
  if (!config) return invalid(message, [], `topic "${message.topic}" is not declared by channel "${channel.name}"`)
  let result: ReturnType<typeof config.schema["~standard"]["validate"]>
  try {
    result = config.schema["~standard"].validate(message.data)
  } catch (cause) {
    return invalid(message, [], `the schema of topic "${message.topic}" threw: ${cause instanceof Error ? cause.message : String(cause)}`)
  }
  if (result instanceof Promise) {
    return validateData(config.schema, message.data).then(
      (r) => settle(message, r),
      (cause: unknown) => invalid(message, [], `the schema of topic "${message.topic}" threw: ${String(cause)}`),
    )
  }
  if (result.issues) return validateData(config.schema, message.data).then((r) => settle(message, r))
  return { ok: true, message: { ...message, data: result.value } }
}
