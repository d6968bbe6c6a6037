import { ConduitError, ErrorCode, type PublishInput, type TopicRef, validateData } from "@conduit/shared"

/** A topic message as the gateway takes it, `data` checked against the topic's schema first (ERR_VALIDATION). */
export async function topicInput(
  topic: TopicRef,
  data: unknown,
  options: { runId?: string | undefined; idempotencyKey?: string | undefined } = {},
): Promise<PublishInput> {
  const result = await validateData(topic.schema, data)
  if (!result.ok) {
    throw new ConduitError(ErrorCode.VALIDATION, `data does not match the schema of topic "${topic.topic}"`, {
      details: { topic: topic.topic, issues: result.issues },
    })
  }
  const { runId, idempotencyKey } = options
  return {
    channel: topic.channel,
    topic: topic.topic,
    data,
    ...(runId === undefined ? {} : { runId }),
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  }
}
