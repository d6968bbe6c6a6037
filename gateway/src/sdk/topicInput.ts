import type { PublishInput, TopicRef } from "@conduit/shared"
import { checkTopicData, markChecked } from "../publish/checkTopicData.ts"

/** A topic message as the gateway takes it, `data` checked against the topic's schema first (ERR_VALIDATION). */
export async function topicInput(
  topic: TopicRef,
  data: unknown,
  options: { runId?: string | undefined; idempotencyKey?: string | undefined } = {},
): Promise<PublishInput> {
  await checkTopicData(topic.schema, topic.topic, data)
  const { runId, idempotencyKey } = options
  const input: PublishInput = {
    channel: topic.channel,
    topic: topic.topic,
    data,
    ...(runId === undefined ? {} : { runId }),
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  }
  // Sent in-process, the gateway skips the schema this input passed (over HTTP it checks the JSON it gets).
  markChecked(input, topic.schema)
  return input
}
