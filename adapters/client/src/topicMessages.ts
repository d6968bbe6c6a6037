import type { Envelope } from "@conduit/shared"
import type { TopicMessages } from "./types.ts"

const FIELDS = ["id", "channel", "topic", "data", "createdAt", "runId", "kind"] as const

/**
 * One topic's messages as `byTopic` holds them: the frozen list, which also
 * reads as its newest message (`byTopic.status?.data`, Inngest's
 * `messages.byTopic`). The fields are not enumerable: the value still spreads,
 * serializes and compares as the plain list.
 */
export function topicMessages(list: Envelope[]): TopicMessages<Envelope> {
  const newest = list[list.length - 1]
  if (newest) {
    for (const field of FIELDS) {
      if (field in newest) Object.defineProperty(list, field, { value: newest[field], enumerable: false })
    }
  }
  return Object.freeze(list) as unknown as TopicMessages<Envelope>
}
