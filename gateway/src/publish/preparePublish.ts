import {
  assertChannelName,
  assertTopicName,
  type ChannelDefinition,
  checkStreamTag,
  ConduitError,
  ErrorCode,
  isRunEventStatus,
  isStreamMarker,
  type PublishInput,
  RUN_STATUSES,
  RUN_TOPIC,
  type ValidationIssue,
} from "@conduit/shared"
import type { PreparedMessage } from "../broker/Broker.ts"
import { checkTopicData, passedAlready } from "./checkTopicData.ts"
import type { ChannelRegistry } from "./channelRegistry.ts"

export interface PublishLimits {
  maxMessageBytes: number
  maxBatchMessages: number
}

const MAX_ID_FIELD = 256

/** `{channel,topic,data,…}` or `{messages:[…]}` → the list of inputs. */
export function publishInputsOf(body: unknown, limits: PublishLimits): unknown[] {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ConduitError(ErrorCode.INVALID_BODY, "body must be a message object or { messages: [...] }")
  }
  if (!("messages" in body)) return [body]
  const { messages } = body as { messages: unknown }
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new ConduitError(ErrorCode.INVALID_BODY, "messages must be a non-empty array")
  }
  if (messages.length > limits.maxBatchMessages) {
    throw new ConduitError(ErrorCode.BATCH_TOO_LARGE, `at most ${limits.maxBatchMessages} messages per request`, {
      details: { limit: limits.maxBatchMessages, count: messages.length },
    })
  }
  return messages
}

/**
 * Checks every message of a request (names, size, schema) before any is
 * published: a request is accepted whole or not at all.
 */
export async function preparePublish(
  inputs: readonly unknown[],
  limits: PublishLimits,
  registry: ChannelRegistry,
): Promise<PreparedMessage[]> {
  const prepared: PreparedMessage[] = []
  for (let index = 0; index < inputs.length; index++) {
    try {
      const message = prepareMessage(inputs[index], limits, registry)
      // Only schema validation is asynchronous: the rest of a batch costs no promise per message.
      prepared.push(message instanceof Promise ? await message : message)
    } catch (error) {
      if (error instanceof ConduitError && inputs.length > 1) error.details.index = index
      throw error
    }
  }
  return prepared
}

/** Checks one message (names, size, stream tag, schema); synchronous unless a schema is asynchronous. */
export function prepareMessage(input: unknown, limits: PublishLimits, registry: ChannelRegistry): PreparedMessage | Promise<PreparedMessage> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ConduitError(ErrorCode.INVALID_BODY, "each message must be an object")
  }
  const fields = input as Partial<Record<keyof PublishInput, unknown>>
  const { topic, data, runId, idempotencyKey } = fields
  const channel = assertChannelName(fields.channel)
  const isRun = topic === RUN_TOPIC
  if (!isRun) assertTopicName(topic)
  if (data === undefined) throw new ConduitError(ErrorCode.INVALID_BODY, "data is required (null is allowed)")
  optionalIdField("runId", runId)
  optionalIdField("idempotencyKey", idempotencyKey)
  const stream = fields.stream === undefined ? undefined : checkStreamTag(fields.stream, data)

  const dataJson = serialize(data)
  const size = Buffer.byteLength(dataJson)
  if (size > limits.maxMessageBytes) {
    throw new ConduitError(ErrorCode.PAYLOAD_TOO_LARGE, `data is ${size} bytes serialized; the limit is ${limits.maxMessageBytes}`, {
      details: { limit: limits.maxMessageBytes, size },
    })
  }
  if (isRun) checkRunData(data)
  const message: PreparedMessage = {
    channel,
    topic: topic as string,
    data,
    dataJson,
    kind: isRun ? "run" : "data",
    ...(runId === undefined ? {} : { runId: runId as string }),
    ...(idempotencyKey === undefined ? {} : { idempotencyKey: idempotencyKey as string }),
    ...(stream === undefined ? {} : { stream }),
  }
  const definition = isRun ? undefined : registry.find(channel)
  // A stream's start, end and error markers carry no chunk (data null): the topic must exist, no schema applies.
  const marker = stream !== undefined && isStreamMarker(stream)
  return definition ? checkSchema(definition, topic as string, input, marker).then(() => message) : message
}

function optionalIdField(name: string, value: unknown): void {
  if (value === undefined) return
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_ID_FIELD) {
    throw new ConduitError(ErrorCode.INVALID_BODY, `${name} must be a string of 1-${MAX_ID_FIELD} characters`, {
      details: { field: name },
    })
  }
}

function checkRunData(data: unknown): void {
  const status = (data as { status?: unknown } | null)?.status
  if (!isRunEventStatus(status)) {
    throw new ConduitError(ErrorCode.VALIDATION, `$run data needs status ${RUN_STATUSES.join("|")}`, {
      details: { issues: [{ path: "status", message: "invalid run status" }] satisfies ValidationIssue[] },
    })
  }
}

async function checkSchema(definition: ChannelDefinition, topic: string, input: object, marker: boolean): Promise<void> {
  const config = definition.topicConfigs[topic]
  if (!config) {
    throw new ConduitError(ErrorCode.UNKNOWN_TOPIC, `channel ${definition.template} has no topic "${topic}"`, {
      details: { topic, topics: Object.keys(definition.topicConfigs) },
    })
  }
  if (marker || passedAlready(input, config.schema)) return
  await checkTopicData(config.schema, topic, (input as { data: unknown }).data)
}

function serialize(data: unknown): string {
  let json: string | undefined
  try {
    json = JSON.stringify(data)
  } catch (error) {
    // Only reachable in-process (HTTP bodies are parsed JSON): cycles, BigInt, absurd depth.
    throw new ConduitError(ErrorCode.INVALID_BODY, "data is not JSON-serializable", { cause: error })
  }
  // JSON.stringify answers undefined for functions and symbols.
  if (json === undefined) throw new ConduitError(ErrorCode.INVALID_BODY, "data is not JSON-serializable")
  return json
}
