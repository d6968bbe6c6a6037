import { AsyncLocalStorage } from "node:async_hooks"
import type { Conduit } from "@conduit/gateway"
import { Middleware, type Realtime, type StepOptionsOrId } from "inngest"
import { type AnyTopicRef, conduitTopic } from "./conduitTopic.ts"

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
 *   memoization is dropped by the gateway, so subscribers get it once.
 *
 * ```ts
 * const inngest = new Inngest({ id: "my-app", middleware: [conduitMiddleware({ conduit })] })
 * ```
 */
export function conduitMiddleware({ conduit }: ConduitMiddlewareOptions) {
  return class ConduitRealtimeMiddleware extends Middleware.BaseMiddleware {
    readonly id = "conduit:realtime"

    override transformFunctionInput(arg: Middleware.TransformFunctionInputArgs) {
      const { ctx } = arg
      const { runId, step } = ctx
      const publish = ((refOrMessage: AnyTopicRef & { data?: unknown }, data?: unknown) =>
        data === undefined && refOrMessage && "data" in refOrMessage
          ? conduit.publish(conduitTopic(refOrMessage), refOrMessage.data as never, { runId })
          : conduit.publish(conduitTopic(refOrMessage), data as never, { runId })) as ConduitPublish
      const durablePublish = <TData>(idOrOptions: StepOptionsOrId, topicRef: Realtime.TopicRef<TData>, data: TData): Promise<TData> =>
        step.run(idOrOptions, async () => {
          const stepKey = runningStep.getStore() ?? (typeof idOrOptions === "string" ? idOrOptions : idOrOptions.id)
          await conduit.publish(conduitTopic(topicRef as AnyTopicRef), data as never, { runId, idempotencyKey: `${runId}:${stepKey}` })
          return data
        }) as Promise<TData>
      return {
        ...arg,
        ctx: { ...ctx, publish, step: { ...step, realtime: { ...step.realtime, publish: durablePublish } } },
      }
    }

    override wrapStepHandler({ next, stepInfo }: Middleware.WrapStepHandlerArgs): Promise<unknown> {
      return runningStep.run(stepInfo.hashedId, next)
    }
  }
}
