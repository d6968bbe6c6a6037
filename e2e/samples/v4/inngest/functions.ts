// Sample: inngest-realtime-v4.txt, "2. Publish from a function".
// Changed from the original: the document shows the function without its
// module's imports; these two lines add them (listed in docs/migrating-from-inngest.md):
// + import { contentPipeline } from "./channels";
// + import { inngest } from "./client";
import { contentPipeline } from "./channels";
import { inngest } from "./client";
export const generatePost = inngest.createFunction(
  {
    id: "generate-post",
    triggers: [{ event: "app/generate-post" }],
  },
  async ({ event, publish, step }) => {
    const ch = contentPipeline({ runId: event.data.runId });
    //
    // Non-durable on purpose. Fine for transient progress updates.
    await publish(ch.status, {
      message: "Researching topic...",
      step: "research",
    });
    //
    // Non-durable on purpose. Token streams may replay on retry.
    await publish(ch.tokens, {
      token: "Hello",
      step: "research",
    });
    //
    // Prefer the durable publish for important state that should not replay.
    await step.realtime.publish("status-complete", ch.status, {
      message: "Done",
      step: "complete",
    });
  }
);
