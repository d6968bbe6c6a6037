// Sample: inngest-realtime-v4.txt, "3. Mint a token and subscribe from the client" (client component).
// Changed from the original, nothing else:
// - import { useRealtime } from "inngest/react";
// - import { contentPipeline } from "@/inngest/channels";
// + import { useRealtime } from "@conduit/react";
// + import { contentPipeline } from "../inngest/channels";
"use client";
import { useRealtime } from "@conduit/react";
import { contentPipeline } from "../inngest/channels";
import { getRealtimeToken } from "./actions";
export default function Home({ runId }: { runId: string }) {
  const topics = ["status", "tokens"] as const;
  const channel = contentPipeline({ runId });
  const { connectionStatus, runStatus, messages } = useRealtime({
    channel,
    topics,
    token: () => getRealtimeToken(runId),
  });
  return (
    <div>
      <p>Connection: {connectionStatus}</p>
      <p>Run: {runStatus}</p>
      <p>Status: {messages.byTopic.status?.data.message}</p>
    </div>
  );
}
