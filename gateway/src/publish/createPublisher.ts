import { ConduitError, ErrorCode } from "@conduit/shared"
import type { PreparedMessage, PublishOptions } from "../broker/Broker.ts"
import type { GatewayContext } from "../GatewayContext.ts"
import { preparePublish } from "./preparePublish.ts"

/** How the gateway publishes: HTTP routes, `gateway.publish` and the functions runtime all go through it. */
export interface Publisher {
  /** Checks every message (`preparePublish`: all or none), then publishes them; the ids in input order. */
  publish(inputs: readonly unknown[], options?: PublishOptions): Promise<string[]>
  /** Publishes messages already checked one by one (`prepareMessage`), as one broker call. */
  publishPrepared(messages: PreparedMessage[], options?: PublishOptions): Promise<string[]>
}

export function createPublisher(ctx: Pick<GatewayContext, "options" | "broker" | "registry" | "metrics" | "closing">): Publisher {
  const { broker, metrics } = ctx
  async function publishPrepared(prepared: PreparedMessage[], options?: PublishOptions): Promise<string[]> {
    if (ctx.closing.value) throw new ConduitError(ErrorCode.SHUTTING_DOWN, "gateway is shutting down")
    if (!broker.isReady()) throw new ConduitError(ErrorCode.BROKER_UNAVAILABLE, "broker unavailable; retry")
    let results
    try {
      results = await broker.publish(prepared, options)
    } catch (error) {
      // A broker's own answer (unavailable, outcome unknown, too many idempotency keys) stands as it is;
      // anything else did not confirm the publish, which may have happened.
      if (error instanceof ConduitError) throw error
      throw new ConduitError(ErrorCode.OUTCOME_UNKNOWN, "the broker did not confirm the publish; retry with the same idempotencyKey", { cause: error })
    }
    let duplicates = 0
    const ids = new Array<string>(results.length)
    for (let i = 0; i < results.length; i++) {
      if (results[i]!.duplicate) duplicates++
      ids[i] = results[i]!.id
    }
    metrics.published.inc(results.length - duplicates)
    if (duplicates > 0) metrics.duplicates.inc(duplicates)
    return ids
  }
  return {
    async publish(inputs, options) {
      if (ctx.closing.value) throw new ConduitError(ErrorCode.SHUTTING_DOWN, "gateway is shutting down")
      return publishPrepared(await preparePublish(inputs, ctx.options, ctx.registry), options)
    },
    publishPrepared,
  }
}
