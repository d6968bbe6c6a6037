// Not a sample: the `userChannel` the v3 token sample imports from
// "@/inngest/functions/helloWorld", whose definition the document leaves to a tab
// it does not include. Its "ai" topic carries what the v3 hook sample renders as
// a React child: text.
import { channel } from "@conduit/shared";
import { z } from "zod";

export const userChannel = channel({
  name: "user:{userId}",
  topics: { ai: { schema: z.string() } },
});
