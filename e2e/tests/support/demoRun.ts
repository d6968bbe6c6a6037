import { demoExpectedRun } from "../../../gateway/src/functions/demo/generatePost.ts"

/**
 * What every panel must show once a demo run finished, approved: the demo
 * function's own statement of its status lines, tokens and result (the e2e
 * gateways run it with its injected transient failure on).
 */
export const DEMO_RUN = demoExpectedRun()
/** What every panel must show once the reviewer rejected the draft. */
export const DEMO_REJECTED_RUN = demoExpectedRun({ approved: false })

// A test comparing against an empty run could not fail.
if (DEMO_RUN.tokens.length < 10 || DEMO_RUN.statuses.length < 3) {
  throw new Error(`the demo run is too small to test streaming: ${JSON.stringify(DEMO_RUN)}`)
}
