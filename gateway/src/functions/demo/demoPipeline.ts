import { channel } from "@conduit/shared"
import { z } from "zod"

// Browser-safe (shared + zod only): the demo page imports this file too.

/** The demo run's channel, one per run: `pipeline:<runId>`. */
export const demoPipeline = channel({
  name: "pipeline:{runId}",
  topics: {
    status: { schema: z.object({ message: z.string() }) },
    tokens: { schema: z.object({ token: z.string() }) },
    result: { schema: z.object({ title: z.string(), text: z.string(), tokenCount: z.number().int() }) },
    /** The run asks a human: Approve / Reject send the review event for `postId`. */
    approval: { schema: z.object({ postId: z.string(), question: z.string() }) },
  },
})

export type DemoResult = z.infer<typeof demoPipeline.topicConfigs.result.schema>
