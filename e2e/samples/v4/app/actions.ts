// Sample: inngest-realtime-v4.txt, "3. Mint a token and subscribe from the client" (server action).
// Changed from the original, nothing else:
// - import { getClientSubscriptionToken } from "inngest/react";
// - import { inngest } from "@/inngest/client";
// - import { contentPipeline } from "@/inngest/channels";
// + import { getClientSubscriptionToken } from "@conduit/gateway";
// + import { inngest } from "../inngest/client";
// + import { contentPipeline } from "../inngest/channels";
"use server";
import { getClientSubscriptionToken } from "@conduit/gateway";
import { inngest } from "../inngest/client";
import { contentPipeline } from "../inngest/channels";
export async function getRealtimeToken(runId: string) {
  return getClientSubscriptionToken(inngest, {
    channel: contentPipeline({ runId }),
    topics: ["status", "tokens"],
  });
}
