// Type-level tests: checked by `npm run typecheck` (tsc), which fails on any error here.
import { expectTypeOf } from "vitest"
import { z } from "zod"
import { channel, type ChannelMessage, type TopicInput, type TopicName, type TopicOutput } from "./index.ts"

const pipeline = channel({
  name: "pipeline:{runId}",
  topics: {
    status: { schema: z.object({ message: z.string() }) },
    count: { schema: z.string().transform((s) => s.length) },
  },
})
const ch = pipeline({ runId: "r1" })

expectTypeOf(ch.name).toEqualTypeOf<string>()
// publish takes the schema input, subscribe sees the output
expectTypeOf<TopicInput<typeof ch.count>>().toEqualTypeOf<string>()
expectTypeOf<TopicOutput<typeof ch.count>>().toEqualTypeOf<number>()
expectTypeOf<TopicOutput<typeof ch.status>>().toEqualTypeOf<{ message: string }>()
expectTypeOf<TopicName<typeof ch>>().toEqualTypeOf<"status" | "count">()

type Msg = ChannelMessage<typeof pipeline.topicConfigs>
declare const m: Msg
if (m.topic === "count") expectTypeOf(m.data).toEqualTypeOf<number>()

// template params are inferred from the name
// @ts-expect-error runId is required
pipeline({})
// @ts-expect-error unknown topic
void ch.missing

const fixed = channel({ name: "announcements", topics: { news: { schema: z.string() } } })
expectTypeOf(fixed().news.topic).toEqualTypeOf<"news">()

// any concrete channel is assignable to the bare ChannelInstance (what untyped APIs take)
import type { ChannelInstance } from "./index.ts"
const anyChannel: ChannelInstance = ch
void anyChannel
