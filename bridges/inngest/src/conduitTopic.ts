import { type TopicRef, topicRefOf } from "@conduit/shared"

/** A topic as an Inngest function hands it over: Inngest's ref (`config.schema`), Conduit's (`schema`), or the v3 `{ channel, topic }`. */
export interface AnyTopicRef {
  channel: string | { name: string }
  topic: string
  schema?: unknown
  config?: { schema?: unknown }
}

/**
 * The Conduit topic ref that publishes an Inngest one: same channel and topic,
 * and its Standard Schema (when it has one) checks the data before sending.
 */
export function conduitTopic(ref: AnyTopicRef): TopicRef {
  if (ref && typeof ref === "object" && "schema" in ref && ref.schema) return ref as unknown as TopicRef
  const untyped = topicRefOf(typeof ref?.channel === "object" ? ref.channel.name : (ref?.channel as string), ref?.topic as string)
  const schema = ref?.config?.schema as TopicRef["schema"] | undefined
  return schema?.["~standard"] ? { ...untyped, schema } : untyped
}
