import { AsyncLocalStorage } from "node:async_hooks"
import type { Conduit } from "@conduit/gateway"
import { isConduitError } from "@conduit/shared"
import { Middleware, type Realtime, type StepOptionsOrId } from "inngest"
import { type AnyTopicRef, conduitTopic } from "./conduitTopic.ts"
import { createRunAnnouncer, type RunAnnouncer } from "./runAnnouncer.ts"

export interface ConduitMiddlewareOptions {
  /** Where the publishes go: `new Conduit({ url, signingKey })` for your gateway. */
  conduit: Conduit
}

/** The non-durable `publish` the middleware adds to every handler: a topic ref and data, or the v3 `{ channel, topic, data }`. */
export interface ConduitPublish {
  <TData>(topicRef: Realtime.TopicRef<TData>, data: TData): Promise<{ id: string }>
  (message: { channel: string; topic: string; data: unknown }): Promise<{ id: string }>
}

// The hashed id of the step whose handler is running: Inngest's own identity of
// that step, the same on every retry of the run, so it keys the durable publish.
const runningStep = new AsyncLocalStorage<string>()

/**
 * Inngest middleware that sends a function's realtime publishes to a Conduit
 * gateway instead of Inngest's realtime service:
 *
 * - `publish(topicRef, data)` (added to the handler's context, as Inngest v4's
 *   documents show it) and the v3 `publish({ channel, topic, data })` publish
 *   at once, with the run id, again on every retry;
 * - `step.realtime.publish(id, topicRef, data)` becomes a `step.run` that
 *   publishes with `idempotencyKey = runId:<hashed step id>`: Inngest
 *   memoizes it, and a retry after a crash between the publish and the
 *   memoization is dropped by the gateway, so subscribers get it once;
 * - the channels it publishes to get Conduit's `$run` messages (`running`
 *   per attempt, then `completed` with the result or, after the last
 *   attempt, `failed`), so subscribers' `runStatus` follows the run.
 *
 * ```ts
 * const inngest = new Inngest({ id: "my-app", middleware: [conduitMiddleware({ conduit })] })
 * ```
 */
export function conduitMiddleware({ conduit }: ConduitMiddlewareOptions) {
  return class ConduitRealtimeMiddleware extends Middleware.BaseMiddleware {
    readonly id = "conduit:realtime"
    /** This request's `$run` messages (a middleware instance serves one request). */
    #announcer: RunAnnouncer | undefined

    override transformFunctionInput(arg: Middleware.TransformFunctionInputArgs) {
      const { ctx, fn } = arg
      const { runId, step } = ctx
      const announcer = createRunAnnouncer(conduit, { runId, functionId: fn.id(), attempt: ctx.attempt + 1 })
      this.#announcer = announcer
      const send = async (ref: AnyTopicRef, data: unknown, idempotencyKey?: string) => {
        const topic = conduitTopic(ref)
        await announcer.touch(topic.channel)
        return conduit.publish(topic, data as never, idempotencyKey === undefined ? { runId } : { runId, idempotencyKey })
      }
      const publish = ((refOrMessage: AnyTopicRef & { data?: unknown }, data?: unknown) =>
        data === undefined && refOrMessage && "data" in refOrMessage ? send(refOrMessage, refOrMessage.data) : send(refOrMessage, data)) as ConduitPublish
      const durablePublish = <TData>(idOrOptions: StepOptionsOrId, topicRef: Realtime.TopicRef<TData>, data: TData): Promise<TData> => {
        // Announced even when memoized: the request that ends the run sends `completed` to this channel too.
        void announcer.touch(conduitTopic(topicRef as AnyTopicRef).channel).catch(() => {})
        return step.run(idOrOptions, async () => {
          const stepKey = runningStep.getStore() ?? (typeof idOrOptions === "string" ? idOrOptions : idOrOptions.id)
          await send(topicRef as AnyTopicRef, data, `${runId}:${stepKey}`)
          return data
        }) as Promise<TData>
      }
      return {
        ...arg,
        ctx: { ...ctx, publish, step: { ...step, realtime: { ...step.realtime, publish: durablePublish } } },
      }
    }

    override async onRunComplete({ output }: Middleware.OnRunCompleteArgs): Promise<void> {
      await this.#announcer?.end(output === undefined ? { status: "completed" } : { status: "completed", result: output })
    }

    override async onRunError({ error, isFinalAttempt }: Middleware.OnRunErrorArgs): Promise<void> {
      if (!isFinalAttempt) return
      const code = isConduitError(error) ? error.code : "ERR_RUN_FAILED"
      await this.#announcer?.end({ status: "failed", error: { code, message: error.message } })
    }

    override wrapStepHandler({ next, stepInfo }: Middleware.WrapStepHandlerArgs): Promise<unknown> {
      return runningStep.run(stepInfo.hashedId, next)
    }
  }
}
