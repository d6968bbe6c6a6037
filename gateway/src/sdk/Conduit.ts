import {
  type ChannelInstance,
  ConduitError,
  ErrorCode,
  type PublishInput,
  type SubscriptionToken,
  type TopicInput,
  type TopicRef,
  validateData,
} from "@conduit/shared"
import { type AnyMessageOf, type RealtimeSubscription, type SubscribeOptions, subscribe, type TopicsOf } from "@conduit/client"
import type { Gateway } from "../createGateway.ts"
import {
  createFunctionsRuntime,
  type FunctionsRuntime,
  type FunctionsRuntimeOptions,
} from "../functions/createFunctionsRuntime.ts"
import type { ConduitFunction, FunctionConfig, FunctionHandler, SendEvent } from "../functions/FunctionConfig.ts"
import type { RunRecord } from "../functions/RunStore.ts"
import { publishWithRetry, type PublishRetryOptions } from "./publishRetry.ts"
import { httpTransport, inProcessTransport, type PublishTransport } from "./publishTransport.ts"

export interface ConduitOptions {
  /** Gateway base URL, e.g. `http://127.0.0.1:8288`. Either this or `gateway`. */
  url?: string
  /** The signing key (`CONDUIT_SIGNING_KEY`), sent as the publish credential. @default none (dev mode) */
  signingKey?: string
  /** An in-process gateway: publishes skip HTTP. */
  gateway?: Gateway
  /** fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch
  /** Functions runtime: run store, retry backoff, timers. @default memory store, exponential backoff from 1 s */
  functions?: FunctionsRuntimeOptions
  /**
   * Publishes carry an idempotency key each and are retried while the gateway
   * answers "not published" (503) or "outcome unknown" (504, network): the
   * caller sees each message published once, or an error.
   * @default { idempotencyKeys: true, retries: 6, initialDelayMs: 100, maxDelayMs: 2000 }
   */
  publishRetry?: PublishRetryOptions
}

export interface PublishOptions {
  runId?: string
  /** A repeat within the retention window returns the original id and publishes nothing. */
  idempotencyKey?: string
}

export interface TokenRequest {
  channel: ChannelInstance | string
  /** Topics the token grants; `["*"]` grants all. */
  topics: readonly string[]
  /** Seconds the token may be used to connect. @default 60 */
  expiresIn?: number
  /** Who the token is for (a user id), recorded as the `sub` claim. */
  sub?: string
}

/** The server SDK: typed publish (validated before sending) and token minting. */
export class Conduit {
  readonly transport: PublishTransport
  readonly url: string | undefined
  readonly signingKey: string | undefined
  /** The functions runtime: what `createFunction`, `send` and `cancel` use (`waitForRun` lives here too). */
  readonly functions: FunctionsRuntime
  private readonly publishRetry: PublishRetryOptions

  constructor(options: ConduitOptions) {
    if (options.gateway) {
      this.transport = inProcessTransport(options.gateway)
    } else if (options.url) {
      this.transport = httpTransport(options.url, options.signingKey, options.fetch ?? globalThis.fetch)
    } else {
      throw new ConduitError(ErrorCode.CONFIG, "new Conduit() needs a url or a gateway")
    }
    this.url = options.url
    this.signingKey = options.signingKey
    this.publishRetry = options.publishRetry ?? {}
    this.functions = createFunctionsRuntime(
      {
        publish: (topic, data, publishOptions) => this.publish(topic, data, publishOptions),
        publishRaw: (inputs) => publishWithRetry((keyed) => this.transport.publish(keyed), inputs, this.publishRetry),
      },
      // In-process, runs live where the gateway keeps state (Redis when it runs on Redis).
      { ...(options.gateway ? { store: options.gateway.runStore } : {}), ...options.functions },
    )
  }

  /** Publishes one message to a topic ref (`ch.status`). The schema is checked here first. */
  async publish<R extends TopicRef>(topic: R, data: TopicInput<R>, options: PublishOptions = {}): Promise<{ id: string }> {
    const [id] = await this.publishMany([{ topic, data, ...options }])
    return { id: id! }
  }

  /** Publishes several messages in one request, in order, all or none (retried with their idempotency keys, see `publishRetry`). */
  async publishMany(messages: ReadonlyArray<{ topic: TopicRef; data: unknown } & PublishOptions>): Promise<string[]> {
    const inputs: PublishInput[] = []
    for (const { topic, data, runId, idempotencyKey } of messages) {
      const result = await validateData(topic.schema, data)
      if (!result.ok) {
        throw new ConduitError(ErrorCode.VALIDATION, `data does not match the schema of topic "${topic.topic}"`, {
          details: { topic: topic.topic, issues: result.issues },
        })
      }
      inputs.push({
        channel: topic.channel,
        topic: topic.topic,
        data,
        ...(runId === undefined ? {} : { runId }),
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      })
    }
    return publishWithRetry((keyed) => this.transport.publish(keyed), inputs, this.publishRetry)
  }

  /**
   * Subscribes from server code, through the same client browsers use (resume,
   * dedupe, schema checks, `$run` → `runStatus`): iterate it with `for await`
   * or read `getSnapshot()`. The gateway URL and the signing key (accepted as
   * a credential) default to this Conduit's.
   *
   * ```ts
   * for await (const m of conduit.subscribe({ channel: pipeline({ runId }), topics: ["tokens"] })) …
   * ```
   */
  subscribe<C extends ChannelInstance<any> | string, K extends TopicsOf<C> = TopicsOf<C>>(
    options: Omit<SubscribeOptions<C, K>, "url"> & { url?: string },
  ): RealtimeSubscription<AnyMessageOf<C, K>> {
    const url = options.url ?? this.url
    if (url === undefined) {
      throw new ConduitError(ErrorCode.CONFIG, "conduit.subscribe() needs the gateway's URL: new Conduit({ url }) or subscribe({ url })")
    }
    const token = options.token ?? this.signingKey
    return subscribe({ pauseWhenHidden: false, ...options, url, ...(token === undefined ? {} : { token }) })
  }

  /** Mints a subscription token for a browser: scoped to one channel and its topics. */
  getSubscriptionToken(request: TokenRequest): Promise<SubscriptionToken> {
    return this.transport.mintToken({
      channel: typeof request.channel === "string" ? request.channel : request.channel.name,
      topics: [...request.topics],
      ...(request.expiresIn === undefined ? {} : { expiresIn: request.expiresIn }),
      ...(request.sub === undefined ? {} : { sub: request.sub }),
    })
  }

  /**
   * Registers a durable function: `send` of a trigger event starts a run of
   * `handler({ event, step, publish, runId, attempt, signal })`.
   */
  createFunction<TData = Record<string, any>, TResult = unknown>(
    config: FunctionConfig<TData>,
    handler: FunctionHandler<TData, TResult>,
  ): ConduitFunction {
    return this.functions.createFunction(config, handler)
  }

  /** Sends events; resolves with the ids of the runs they started (ERR_UNKNOWN_FUNCTION when none would). */
  send(event: SendEvent | readonly SendEvent[]): Promise<{ ids: string[] }> {
    return this.functions.send(event)
  }

  /** Cancels a run: it stops at its next step boundary and ends with `$run` `cancelled`. */
  cancel(runId: string): Promise<void> {
    return this.functions.cancel(runId)
  }

  /** A run's record (state, attempt, result or error), undefined when unknown. */
  getRun(runId: string): Promise<RunRecord | undefined> {
    return this.functions.getRun(runId)
  }
}
