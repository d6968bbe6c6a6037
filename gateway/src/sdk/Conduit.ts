import { type ChannelInstance, ConduitError, ErrorCode, type PublishInput, type SubscriptionToken, type TopicInput, type TopicRef } from "@conduit/shared"
import { type AnyMessageOf, type RealtimeSubscription, type SubscribeOptions, subscribe, type TopicsOf } from "@conduit/client"
import type { Gateway } from "../createGateway.ts"
import {
  createFunctionsRuntime,
  type FunctionsRuntime,
  type FunctionsRuntimeOptions,
} from "../functions/createFunctionsRuntime.ts"
import type { ConduitFunction, FunctionConfig, FunctionHandler, FunctionTrigger, SendEvent } from "../functions/FunctionConfig.ts"
import type { RunRecord } from "../functions/RunStore.ts"
import { type CoalesceOptions, createPublishCoalescer, type PublishCoalescer } from "./publishCoalescer.ts"
import { publishWithRetry, type PublishRetryOptions } from "./publishRetry.ts"
import { isStreamSource, type PublishedStream, publishStream, type StreamPublishOptions, type StreamSource } from "./publishStream.ts"
import { httpTransport, inProcessTransport, type PublishTransport } from "./publishTransport.ts"
import { topicInput } from "./topicInput.ts"

export interface ConduitOptions {
  /** Gateway base URL, e.g. `http://127.0.0.1:8288`. Either this or `gateway`. */
  url?: string
  /** The signing key (`CONDUIT_SIGNING_KEY`), sent as the publish credential. @default none (dev mode) */
  signingKey?: string
  /** An in-process gateway: publishes skip HTTP. */
  gateway?: Gateway
  /**
   * The gateway's base URL as browsers reach it, carried in the token objects
   * of `getClientSubscriptionToken` and `getSubscriptionToken(conduit, …)` (so
   * a browser's `useRealtime` needs no `url`). Set it when browsers reach the
   * gateway at another address than this process does.
   * @default url; `""` (the page's origin) with an in-process gateway
   */
  publicUrl?: string
  /** fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch
  /**
   * A functions runtime of this Conduit's own: run store, Redis mode, retry
   * backoff, timers. Without it, `new Conduit({ gateway })` shares the
   * gateway's runtime (Redis mode when the gateway runs on Redis; events sent
   * to `POST /v1/events` reach its functions).
   * @default the gateway's runtime; over HTTP, an in-process one (memory store, exponential backoff from 1 s)
   */
  functions?: FunctionsRuntimeOptions
  /**
   * Publishes carry an idempotency key each and are retried while the gateway
   * answers "not published" (503) or "outcome unknown" (504, network): the
   * caller sees each message published once, or an error.
   * @default { idempotencyKeys: true, retries: 6, initialDelayMs: 100, maxDelayMs: 2000 }
   */
  publishRetry?: PublishRetryOptions
  /**
   * Concurrent publishes of one event-loop turn leave as one batch request
   * (bounded by count and bytes), per-channel order kept, each caller getting
   * its own id or error: what makes a token stream cheap. `false`: one
   * request per `publish`.
   * @default { maxMessages: 1000, maxBytes: 1048576, maxInFlight: 4 }
   */
  coalesce?: CoalesceOptions | false
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
  /**
   * Grant `$run` lifecycle messages (they carry the run's result and error;
   * `runStatus` comes from them). `false` for a subscriber that must not see results.
   * @default true
   */
  runEvents?: boolean
}

/** The server SDK: typed publish (validated before sending) and token minting. */
export class Conduit {
  readonly transport: PublishTransport
  readonly url: string | undefined
  /** Where browsers reach the gateway: what token objects carry (see `ConduitOptions.publicUrl`). */
  readonly publicUrl: string
  readonly signingKey: string | undefined
  /** The functions runtime: what `createFunction`, `send` and `cancel` use (`waitForRun` lives here too). */
  readonly functions: FunctionsRuntime
  // A runtime shared with the gateway closes with the gateway, not with this Conduit.
  private readonly ownsFunctions: boolean
  private readonly publishRetry: PublishRetryOptions
  private readonly batches: PublishCoalescer

  constructor(options: ConduitOptions) {
    if (options.gateway) {
      this.transport = inProcessTransport(options.gateway)
    } else if (options.url) {
      this.transport = httpTransport(options.url, options.signingKey, options.fetch ?? globalThis.fetch)
    } else {
      throw new ConduitError(ErrorCode.CONFIG, "new Conduit() needs a url or a gateway")
    }
    this.url = options.url
    this.publicUrl = options.publicUrl ?? options.url ?? ""
    this.signingKey = options.signingKey
    this.publishRetry = options.publishRetry ?? {}
    const send = (inputs: PublishInput[]) => publishWithRetry((batch, key) => this.transport.publish(batch, key), inputs, this.publishRetry)
    this.batches = options.coalesce === false ? { publish: send } : createPublishCoalescer(send, options.coalesce)
    const gateway = options.gateway
    this.ownsFunctions = !gateway || options.functions !== undefined
    this.functions = this.ownsFunctions
      ? createFunctionsRuntime(
          {
            publish: (topic, data, publishOptions) => this.publish(topic, data, publishOptions),
            publishRaw: (inputs) => this.batches.publish(inputs),
          },
          // In-process, runs live where the gateway keeps state (BullMQ and Redis when it runs on Redis).
          { ...(gateway ? gatewayRunOptions(gateway) : {}), ...options.functions },
        )
      : gateway!.functions
  }

  /**
   * Publishes one message to a topic ref (`ch.status`); the schema is checked
   * here first. Given a `ReadableStream` or `AsyncIterable` (a token stream,
   * `streamText(…).textStream`), publishes each chunk as a message of a
   * stream (`StreamTag`: start, chunks, end or error marker) and resolves
   * once the source is done.
   */
  publish<R extends TopicRef>(topic: R, stream: StreamSource<TopicInput<R>>, options?: StreamPublishOptions): Promise<PublishedStream>
  publish<R extends TopicRef>(topic: R, data: TopicInput<R>, options?: PublishOptions): Promise<{ id: string }>
  async publish(topic: TopicRef, data: unknown, options: PublishOptions & StreamPublishOptions = {}): Promise<{ id: string } | PublishedStream> {
    if (isStreamSource(data)) return publishStream(async (input) => (await this.batches.publish([input]))[0]!, topic, data, options)
    const [id] = await this.batches.publish([await topicInput(topic, data, options)])
    return { id: id! }
  }

  /**
   * Inngest v4's name for publishing from server code outside a run (a route,
   * a webhook): `conduit.realtime.publish(ch.status, data)` is `conduit.publish`,
   * streams included.
   */
  readonly realtime: { readonly publish: Conduit["publish"] } = {
    publish: ((topic: TopicRef, data: unknown, options?: PublishOptions & StreamPublishOptions) =>
      this.publish(topic, data as never, options)) as Conduit["publish"],
  }

  /** Publishes several messages in one request, in order, all or none (retried with a request key, see `publishRetry`). */
  async publishMany(messages: ReadonlyArray<{ topic: TopicRef; data: unknown } & PublishOptions>): Promise<string[]> {
    const inputs = []
    for (const { topic, data, ...publishOptions } of messages) inputs.push(await topicInput(topic, data, publishOptions))
    return this.batches.publish(inputs)
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
      ...(request.runEvents === undefined ? {} : { runEvents: request.runEvents }),
    })
  }

  /**
   * Registers a durable function: `send` of a trigger event starts a run of
   * `handler({ event, step, publish, runId, attempt, signal })`.
   */
  createFunction<TData = Record<string, any>, TResult = unknown>(
    config: FunctionConfig<TData>,
    handler: FunctionHandler<TData, TResult>,
  ): ConduitFunction
  /** The v3 form: `createFunction({ id }, { event: "app/x" }, handler)`, triggers apart. */
  createFunction<TData = Record<string, any>, TResult = unknown>(
    config: Omit<FunctionConfig<TData>, "triggers">,
    trigger: FunctionTrigger | readonly FunctionTrigger[],
    handler: FunctionHandler<TData, TResult>,
  ): ConduitFunction
  createFunction(
    config: Omit<FunctionConfig, "triggers"> & { triggers?: FunctionConfig["triggers"] },
    triggerOrHandler: FunctionTrigger | readonly FunctionTrigger[] | FunctionHandler,
    handler?: FunctionHandler,
  ): ConduitFunction {
    if (typeof triggerOrHandler === "function") return this.functions.createFunction(config as FunctionConfig, triggerOrHandler)
    const triggers = Array.isArray(triggerOrHandler) ? triggerOrHandler : [triggerOrHandler as FunctionTrigger]
    return this.functions.createFunction({ ...config, triggers }, handler as FunctionHandler)
  }

  /**
   * Sends events: each starts a run of every function it triggers and is
   * handed to every run waiting for it (`step.waitForEvent`). Resolves with the
   * started runs' ids; ERR_UNKNOWN_FUNCTION when nothing is triggered and nothing waits.
   */
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

  /** Stops this Conduit's functions runtime (its BullMQ workers finish their current executions). A shared gateway runtime closes with the gateway. */
  async close(): Promise<void> {
    if (this.ownsFunctions) await this.functions.close()
  }
}

/** What an in-process runtime takes from its gateway: the run store, and Redis mode when the gateway has it. */
function gatewayRunOptions(gateway: Gateway): FunctionsRuntimeOptions {
  const { redisUrl, redisPrefix } = gateway.options
  return { store: gateway.runStore, ...(redisUrl ? { redis: { url: redisUrl, prefix: redisPrefix } } : {}) }
}
