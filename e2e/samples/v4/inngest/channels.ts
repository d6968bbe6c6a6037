// Sample: inngest-realtime-v4.txt, "1. Define a shared channel" (as `@/inngest/channels`).
// Changed from the original, nothing else:
// - import { realtime } from "inngest";
// + import { realtime } from "@conduit/shared";
import { realtime } from "@conduit/shared";
import { z } from "zod";
export const contentPipeline = realtime.channel({
  name: ({ runId }: { runId: string }) => `pipeline:${runId}`,
  topics: {
    status: {
      schema: z.object({
        message: z.string(),
        step: z.string().optional(),
      }),
    },
    tokens: {
      schema: z.object({ token: z.string(), step: z.string() }),
    },
  },
});
