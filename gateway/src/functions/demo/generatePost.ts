import { randomUUID } from "node:crypto"
import { ConduitError, ErrorCode, type SubscriptionToken } from "@conduit/shared"
import { type DemoResult, demoPipeline } from "./demoPipeline.ts"
import type { Conduit } from "../../sdk/Conduit.ts"
import type { ConduitFunction, HandlerContext } from "../FunctionConfig.ts"

/** The event that starts a demo run. */
export const DEMO_EVENT = "app/generate-post"
/** The event a reviewer's Approve / Reject sends: `{ postId, approved }`. */
export const DEMO_REVIEW_EVENT = "app/post.reviewed"
export const DEMO_FUNCTION_ID = "generate-post"
export { type DemoResult, demoPipeline }


const TITLE = "Realtime for long-running work"
// Split before each space: 27 tokens, each carrying its leading space, joining back to the text.
const TEXT =
  "Long jobs should talk while they work. Conduit streams typed messages over Server-Sent Events, replays them to late joiners, and tells every subscriber how the run ended."
const TOKENS = TEXT.split(/(?= )/)

/** The status lines of a demo run, in order. */
export const DEMO_STATUS = {
  researching: "Researching the topic",
  retrying: "A source timed out; retried it",
  awaitingApproval: "Waiting for approval",
  approved: "Approved",
  rejected: "Rejected: nothing was written",
  writing: "Writing the post",
  done: "Done",
} as const

/** What the run asks its reviewer. */
export const DEMO_QUESTION = `Write and publish "${TITLE}"?`
/** How long the run waits for a review before giving up. */
export const DEMO_REVIEW_TIMEOUT = "1h"

export interface DemoFunctionOptions {
  /** Pause between tokens, ms: visible streaming in a browser, 0 in tests. @default 40 */
  tokenDelayMs?: number
  /** Fail the first attempt once (a transient error the run retries). @default true */
  failFirstAttempt?: boolean
  /** @default 3 */
  retries?: number
}

export interface DemoRunOutcome {
  failFirstAttempt?: boolean
  /** Whether the reviewer approves: a rejected run writes nothing and ends failed. @default true */
  approved?: boolean
}

/** What a finished demo run shows: status lines, tokens and result (none when rejected), each once and in order. */
export function demoExpectedRun(options: DemoRunOutcome = {}): {
  statuses: string[]
  tokens: string[]
  result: DemoResult | undefined
} {
  const fails = options.failFirstAttempt ?? true
  const asked = [DEMO_STATUS.researching, ...(fails ? [DEMO_STATUS.retrying] : []), DEMO_STATUS.awaitingApproval]
  if (options.approved === false) return { statuses: [...asked, DEMO_STATUS.rejected], tokens: [], result: undefined }
  return {
    statuses: [...asked, DEMO_STATUS.approved, DEMO_STATUS.writing, DEMO_STATUS.done],
    tokens: [...TOKENS],
    result: { title: TITLE, text: TEXT, tokenCount: TOKENS.length },
  }
}

/** The error a rejected demo run ends with. */
export const DEMO_REJECTED_ERROR = { code: ErrorCode.RUN_FAILED, message: "the reviewer rejected the draft" }

/** What the demo routes need: start a run, review its draft, mint a token for one run's channel. */
export interface DemoFunction {
  fn: ConduitFunction
  startRun(): Promise<{ runId: string; channel: string }>
  /** Sends the review event a waiting run matches on `postId`; ERR_UNKNOWN_FUNCTION when no run waits for one. */
  review(postId: string, approved: boolean): Promise<void>
  mintToken(runId: string, expiresIn?: number): Promise<SubscriptionToken & { channel: string }>
}

const pause = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve())

/** The post's tokens, one every `delayMs`: what a model's text stream looks like. */
async function* tokenStream(delayMs: number): AsyncGenerator<{ token: string }> {
  for (const token of TOKENS) {
    yield { token }
    await pause(delayMs)
  }
}

/** The id of the demo run's token stream: the run's first plain stream publish. */
export const demoTokenStreamId = (runId: string): string => `${runId}:publish:1`

/**
 * Registers the demo pipeline (`app/generate-post`): status lines, one
 * injected transient failure, a request for approval (human in the loop),
 * then a token stream (`publish(ch.tokens, stream)`) and a durable result,
 * or nothing when rejected.
 *
 * Where the failure sits matters. Plain `publish` re-fires on every attempt,
 * so a failure after the token stream would show every token twice. The
 * failure is therefore inside the `research` step, before any token: attempt
 * 1 fails there, attempt 2 replays the memoized status line (not re-sent:
 * `step.realtime.publish`), runs `research` again and streams the tokens once.
 * Status lines and the result are durable (`step.realtime.publish`), so
 * subscribers see each exactly once whatever the retries; the result is also
 * the run's return value, so `$run completed` carries it.
 *
 * The approval comes before any token: the run parks in `step.waitForEvent`
 * (`$run waiting`) until a `app/post.reviewed` event with its `postId`
 * (`match: "data.postId"`, the id `startRun` put in the triggering event).
 * Rejected, or no review within an hour, it ends failed and writes nothing.
 */
export function registerDemoFunction(conduit: Conduit, options: DemoFunctionOptions = {}): DemoFunction {
  const { tokenDelayMs = 40, failFirstAttempt = true, retries = 3 } = options
  const fn = conduit.createFunction(
    {
      id: DEMO_FUNCTION_ID,
      triggers: [{ event: DEMO_EVENT }],
      retries,
      // Declared up front: `running` reaches the run's channel before its first message.
      channels: ({ runId }) => [demoPipeline({ runId })],
    },
    async ({ event, step, publish, runId, attempt }: HandlerContext<{ postId: string }>) => {
      const ch = demoPipeline({ runId })
      await step.realtime.publish("status-researching", ch.status, { message: DEMO_STATUS.researching })
      await step.run("research", async () => {
        if (failFirstAttempt && attempt === 1) throw new Error("injected transient failure: a source timed out")
        return { sources: 3 }
      })
      if (attempt > 1) await step.realtime.publish("status-retrying", ch.status, { message: DEMO_STATUS.retrying })
      await step.realtime.publish("approval", ch.approval, { postId: event.data.postId, question: DEMO_QUESTION })
      await step.realtime.publish("status-awaiting", ch.status, { message: DEMO_STATUS.awaitingApproval })
      const review = await step.waitForEvent("review", { event: DEMO_REVIEW_EVENT, match: "data.postId", timeout: DEMO_REVIEW_TIMEOUT })
      if (review?.data.approved !== true) {
        await step.realtime.publish("status-rejected", ch.status, { message: DEMO_STATUS.rejected })
        throw new ConduitError(ErrorCode.RUN_FAILED, review ? DEMO_REJECTED_ERROR.message : `no review within ${DEMO_REVIEW_TIMEOUT}`)
      }
      await step.realtime.publish("status-approved", ch.status, { message: DEMO_STATUS.approved })
      await step.realtime.publish("status-writing", ch.status, { message: DEMO_STATUS.writing })
      // A stream (`runId:publish:1`): each token its own message, the panels assemble `messages.streams`.
      await publish(ch.tokens, tokenStream(tokenDelayMs))
      const result: DemoResult = { title: TITLE, text: TOKENS.join(""), tokenCount: TOKENS.length }
      await step.realtime.publish("result", ch.result, result)
      await step.realtime.publish("status-done", ch.status, { message: DEMO_STATUS.done })
      return result
    },
  )
  return {
    fn,
    async startRun() {
      const { ids } = await conduit.send({ name: DEMO_EVENT, data: { postId: randomUUID() } })
      const runId = ids[0]!
      return { runId, channel: demoPipeline({ runId }).name }
    },
    async review(postId, approved) {
      await conduit.send({ name: DEMO_REVIEW_EVENT, data: { postId, approved } })
    },
    async mintToken(runId, expiresIn) {
      const ch = demoPipeline({ runId })
      const token = await conduit.getSubscriptionToken({ channel: ch, topics: ["*"], ...(expiresIn === undefined ? {} : { expiresIn }) })
      return { ...token, channel: ch.name }
    },
  }
}
