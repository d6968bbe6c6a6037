// Not a sample: the `@/inngest/client` the v4 samples import, which the document
// does not show. On Conduit it is the SDK pointed at the gateway (the gateway URL
// and key are the one thing a team changes).
import { Conduit } from "@conduit/gateway";

export const inngest = new Conduit({
  url: process.env.CONDUIT_URL ?? "http://127.0.0.1:8288",
  signingKey: process.env.CONDUIT_SIGNING_KEY,
});
