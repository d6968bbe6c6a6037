// Sample: inngest-realtime-v3.txt, "Publishing", the function.
// Changed from the original: the sample calls `llm` without importing it; this
// line adds a stand-in (listed in docs/migrating-from-inngest.md):
// - import { inngest } from "./client";
// + import { inngest } from "../client";
// + import { llm } from "../../lib/llm";
import { inngest } from "../client";
import { llm } from "../../lib/llm";

inngest.createFunction(
  { id: "create-recommendation" },
  { event: "ai/recommendation.requested" },
  async ({ event, step, publish }) => {

    const response = await step.run('generate-response', () => {
      return llm.generateResponse(event.data.prompt);
    });

    // Publish data to a user-specific channel, on the "ai" topic.
    await publish({
      channel: `user:${event.data.userId}`,
      topic: "ai",
      data: {
        response: response,
        success: true,
      },
    });
    // ℹ️ Want type-safety with channels and topics? See the typed channels tab above.
  }
);
