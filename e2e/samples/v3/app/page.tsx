// Sample: inngest-realtime-v3.txt, "Subscribe to a channel" (ex: ./app/page.tsx).
// Changed from the original, nothing else:
// - import { useInngestSubscription } from "@inngest/realtime/hooks";
// + import { useInngestSubscription } from "@conduit/react/compat";
"use client";

// ℹ️ Import the hook from the hooks sub-package:
import { useInngestSubscription } from "@conduit/react/compat";
import { useState } from "react";
import { fetchRealtimeSubscriptionToken } from "./actions";

export default function Home() {
  // The hook automatically fetches the token from the server.
  // The server checks that the user is authorized to subscribe to
  // the channel and topic, then returns a token:
  const { data, error, freshData, state, latestData } = useInngestSubscription({
    refreshToken: fetchRealtimeSubscriptionToken,
  });

  return (
    <div>
      {data.map((message, i) => (
        <div key={i}>{message.data}</div>
      ))}
    </div>
  );
}
