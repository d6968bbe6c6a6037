import type { StandardSchemaV1 } from "@standard-schema/spec"
import type { ChannelInstance, TopicRef } from "./channel.ts"
import { assertChannelName, assertTopicName } from "./names.ts"

/** Accepts any value as it is: the schema of a topic no channel definition declares. */
const ANY_DATA: StandardSchemaV1<unknown, unknown> = Object.freeze({
  "~standard": Object.freeze({ version: 1 as const, vendor: "conduit", validate: (value: unknown) => ({ value }) }),
})

/**
 * The topic ref behind `{ channel, topic }` (the v3 `publish({ channel,
 * topic, data })` form): the declared one when `channel` is an instance that
 * declares the topic (its schema checks the data), else one for the bare name
 * whose data the publisher does not check (a gateway given the channel's
 * definition still does). Names are checked here.
 */
export function topicRefOf(channel: ChannelInstance<any> | string, topic: string): TopicRef {
  if (typeof channel === "object" && channel !== null) {
    const declared = (channel.topics as Record<string, TopicRef | undefined>)[topic]
    if (declared) return declared
  }
  const name = assertChannelName(typeof channel === "string" ? channel : channel?.name)
  return Object.freeze({ channel: name, topic: assertTopicName(topic), schema: ANY_DATA })
}
