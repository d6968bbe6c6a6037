// The app's channel, shared by its server (embed.mjs) and its pages.
import { channel } from "@conduit/shared"
import { z } from "zod"

export const pipeline = channel({
  name: "pipeline:{runId}",
  topics: {
    status: { schema: z.object({ message: z.string() }) },
    tokens: { schema: z.object({ token: z.string() }) },
  },
})
