// Sample: inngest-realtime-v3.txt, "Publishing", client.ts.
// Changed from the original, more than its imports (see docs/migrating-from-inngest.md):
// the Inngest client becomes the Conduit SDK pointed at the gateway, which has
// realtime built in (no middleware to add):
// - import { Inngest } from "inngest";
// - // ℹ️ Import the middleware from the middleware sub-package:
// - import { realtimeMiddleware } from "@inngest/realtime/middleware";
// -
// - export const inngest = new Inngest({
// -   id: "my-app",
// -   middleware: [realtimeMiddleware()],
// - });
// + import { Conduit } from "@conduit/gateway";
// +
// + export const inngest = new Conduit({
// +   url: process.env.CONDUIT_URL ?? "http://127.0.0.1:8288",
// +   signingKey: process.env.CONDUIT_SIGNING_KEY,
// + });
import { Conduit } from "@conduit/gateway";

export const inngest = new Conduit({
  url: process.env.CONDUIT_URL ?? "http://127.0.0.1:8288",
  signingKey: process.env.CONDUIT_SIGNING_KEY,
});
