import type { SubscriptionToken } from "@conduit/shared"
import { type DemoResult, demoPipeline } from "./demoPipeline.ts"
import type { Conduit } from "../../sdk/Conduit.ts"
import type { ConduitFunction } from "../FunctionConfig.ts"

/** The event that starts a demo run. */
export const DEMO_EVENT = "app/generate-post"
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
  writing: "Writing the post",
  done: "Done",
} as const

export interface DemoFunctionOptions {
  /** Pause between tokens, ms: visible streaming in a browser, 0 in tests. @default 40 */
  tokenDelayMs?: number
  /** Fail the first attempt once (a transient error the run retries). @default true */
  failFirstAttempt?: boolean
  /** @default 3 */
  retries?: number
}

/** What a finished demo run shows: status lines, tokens and result, each once and in order. */
export function demoExpectedRun(options: Pick<DemoFunctionOptions, "failFirstAttempt"> = {}): {
  statuses: string[]
  tokens: string[]
  result: DemoResult
} {
  const fails = options.failFirstAttempt ?? true
  return {
    statuses: [DEMO_STATUS.researching, ...(fails ? [DEMO_STATUS.retrying] : []), DEMO_STATUS.writing, DEMO_STATUS.done],
    tokens: [...TOKENS],
    result: { title: TITLE, text: TEXT, tokenCount: TOKENS.length },
  }
}

/** What the demo routes need: start a run, mint a token for one run's channel. */
export interface DemoFunction {
  fn: ConduitFunction
  startRun(): Promise<{ runId: string; channel: string }>
  mintToken(runId: string, expiresIn?: number): Promise<SubscriptionToken & { channel: string }>
}

const pause = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve())

/**
 * Registers the demo pipeline (`app/generate-post`): status lines, a token
 * stream, a durable result, and one injected transient failure.
 *
 * Where the failure sits matters. Plain `publish` re-fires on every attempt,
 * so a failure after the token stream would show every token twice. The
 * failure is therefore inside the `research` step, before any token: attempt
 * 1 fails there, attempt 2 replays the memoized status line (not re-sent:
 * `step.realtime.publish`), runs `research` again and streams the tokens once.
 * Status lines and the result are durable (`step.realtime.publish`), so
 * subscribers see each exactly once whatever the retries; the result is also
 * the run's return value, so `$run completed` carries it.
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
    async ({ step, publish, runId, attempt }) => {
      const ch = demoPipeline({ runId })
      await step.realtime.publish("status-researching", ch.status, { message: DEMO_STATUS.researching })
      await step.run("research", async () => {
        if (failFirstAttempt && attempt === 1) throw new Error("injected transient failure: a source timed out")
        return { sources: 3 }
      })
      if (attempt > 1) await step.realtime.publish("status-retrying", ch.status, { message: DEMO_STATUS.retrying })
      await step.realtime.publish("status-writing", ch.status, { message: DEMO_STATUS.writing })
      for (const token of TOKENS) {
        await publish(ch.tokens, { token })
        await pause(tokenDelayMs)
      }
      const result: DemoResult = { title: TITLE, text: TOKENS.join(""), tokenCount: TOKENS.length }
      await step.realtime.publish("result", ch.result, result)
      await step.realtime.publish("status-done", ch.status, { message: DEMO_STATUS.done })
      return result
    },
  )
  return {
    fn,
    async startRun() {
      const { ids } = await conduit.send({ name: DEMO_EVENT, data: {} })
      const runId = ids[0]!
      return { runId, channel: demoPipeline({ runId }).name }
    },
    async mintToken(runId, expiresIn) {
      const ch = demoPipeline({ runId })
      const token = await conduit.getSubscriptionToken({ channel: ch, topics: ["*"], ...(expiresIn === undefined ? {} : { expiresIn }) })
      return { ...token, channel: ch.name }
    },
  }
}
