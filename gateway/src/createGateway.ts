import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import {
  ConduitError,
  ErrorCode,
  type PublishInput,
  type SubscriptionToken,
} from "@conduit/shared"
import express, { type Express, type Router } from "express"
import type { Logger } from "pino"
import { createAuth, type MintTokenInput } from "./auth/createAuth.ts"
import type { Broker } from "./broker/Broker.ts"
import { createMemoryBroker } from "./broker/memoryBroker.ts"
import { createRedisBroker } from "./broker/redisBroker.ts"
import type { GatewayOptions } from "./config/GatewayOptions.ts"
import { type ResolvedOptions, resolveOptions } from "./config/resolveOptions.ts"
import { corsOf, createHotRoutes, createRouter, onRefusal } from "./createRouter.ts"
import type { GatewayContext } from "./GatewayContext.ts"
import { answerClientError, writeRawError } from "./http/answerClientError.ts"
import { createFastPath } from "./http/createFastPath.ts"
import { assertRequestFits } from "./http/requestHead.ts"
import { createLogger } from "./http/createLogger.ts"
import { expressMessages } from "./http/expressMessages.ts"
import { createRateLimiter } from "./http/rateLimiter.ts"
import { createStreamQuota } from "./http/streamQuota.ts"
import { errorHandler } from "./http/sendError.ts"
import { writeError } from "./http/writeError.ts"
import { createMetrics } from "./metrics/createMetrics.ts"
import { createChannelRegistry } from "./publish/channelRegistry.ts"
import { createPublisher } from "./publish/createPublisher.ts"
import { topicInput } from "./sdk/topicInput.ts"
import { Fanout } from "./stream/Fanout.ts"
import { createFunctionsRuntime, type FunctionsRuntime } from "./functions/createFunctionsRuntime.ts"
import { createMemoryRunStore } from "./functions/memoryRunStore.ts"
import { createRedisRunStore, type RedisRunStore } from "./functions/redisRunStore.ts"
import type { RunStore } from "./functions/RunStore.ts"

export interface Gateway {
  /** A standalone Express app: the router plus JSON 404s. */
  readonly app: Express
  /** The routes alone, to mount in an existing Express app. */
  readonly router: Router
  readonly broker: Broker
  /** Where in-process functions keep run state: Redis when the gateway runs on Redis, else memory. */
  readonly runStore: RunStore
  /**
   * The functions runtime `new Conduit({ gateway })` shares and `POST
   * /v1/events` sends to: BullMQ on the gateway's Redis in Redis mode, else in-process.
   */
  readonly functions: FunctionsRuntime
  readonly options: ResolvedOptions
  readonly logger: Logger
  /**
   * Starts an HTTP server for `app`. Port 0 picks a free one. `fastPath`
   * (default true) serves `POST /v1/publish` and `GET /v1/subscribe` outside
   * Express, with the same rules and answers (`createFastPath`); false sends
   * every request through the Express app.
   */
  listen(options?: { port?: number; host?: string; fastPath?: boolean }): Promise<{ url: string; port: number; server: Server }>
  /**
   * Publishes in-process, with the same checks as `POST /v1/publish`;
   * `requestKey` is its `Idempotency-Key` (a repeat within `requestKeyTtlMs`
   * publishes nothing and gets the first ids).
   */
  publish(input: PublishInput | PublishInput[], options?: { requestKey?: string }): Promise<{ ids: string[] }>
  /** Mints a subscription token, as `POST /v1/tokens` does. */
  mintToken(input: MintTokenInput): Promise<SubscriptionToken>
  /**
   * Graceful stop: refuse new work, send `$close shutdown` to every stream,
   * wait for them to drain (bounded), close the broker if the gateway made it.
   */
  close(): Promise<void>
}

/** Builds a gateway: routes, auth, fan-out and a broker (memory by default). */
export function createGateway(input: GatewayOptions = {}): Gateway {
  const options = resolveOptions(input)
  const logger = createLogger(options.logger, options.logLevel)
  const ownsBroker = options.broker === undefined
  const bounds = { historySize: options.historySize, historyTtlMs: options.historyTtlMs, historyBytes: options.historyBytes, requestKeyTtlMs: options.requestKeyTtlMs }
  const redis = options.redisUrl ? { url: options.redisUrl } : options.redisCluster?.length ? { cluster: options.redisCluster } : null
  const broker =
    options.broker ??
    (redis
      ? createRedisBroker({ ...redis, prefix: options.redisPrefix, pubSub: options.redisPubSub, ...bounds, logger })
      : createMemoryBroker({ ...bounds, idempotencyKeys: options.idempotencyKeys }))
  // (On a Redis Cluster, in-process function runs keep their state in memory: the run store speaks to one server.)
  const runStore = options.redisUrl
    ? createRedisRunStore({ url: options.redisUrl, prefix: options.redisPrefix, redisOptions: { lazyConnect: true } })
    : createMemoryRunStore()
  const fanout = new Fanout(broker, options.heartbeatMs, options.retryMs)
  const hot = { delivered: 0, replayed: 0 }
  Object.defineProperty(hot, "delivered", { get: () => fanout.stats.delivered })
  const ctx: GatewayContext = {
    options,
    logger,
    broker,
    fanout,
    hot,
    auth: createAuth({
      ...(options.signingKey === undefined ? {} : { signingKey: options.signingKey }),
      ...(options.signingKeyFallback === undefined ? {} : { signingKeyFallback: options.signingKeyFallback }),
      dev: options.dev,
      tokenTtlSeconds: options.tokenTtlSeconds,
      maxTokenTtlSeconds: options.maxTokenTtlSeconds,
      onKeyInUrl: () => logger.warn("a signing key was sent in a URL and refused; it may sit in access logs: rotate it"),
    }),
    registry: createChannelRegistry(options.channels),
    metrics: createMetrics({ connections: () => fanout.sessions.size, channels: () => fanout.channelCount, hot }),
    closing: { value: false },
    streamQuota: options.maxStreamsPerIp > 0 ? createStreamQuota(options.maxStreamsPerIp) : null,
    publishRate: options.publishRatePerSecond > 0 ? createRateLimiter(options.publishRatePerSecond) : null,
  }
  if (options.dev) {
    logger.warn(
      "DEV MODE: subscribe needs no token and publish no key. Set CONDUIT_SIGNING_KEY (and NODE_ENV=production) before exposing this gateway.",
    )
  }

  const publisher = createPublisher(ctx)
  const publishInputs = (inputs: unknown[]) => publisher.publish(inputs)

  const functions = createFunctionsRuntime(
    {
      publish: async (topic, data, publishOptions) => ({ id: (await publishInputs([await topicInput(topic, data, publishOptions)]))[0]! }),
      publishRaw: (inputs) => publishInputs(inputs),
    },
    {
      store: runStore,
      ...(options.redisUrl ? { redis: { url: options.redisUrl, prefix: options.redisPrefix ?? "conduit:", redisOptions: { lazyConnect: true } } } : {}),
    },
  )
  const hotRoutes = createHotRoutes(ctx, publisher)
  const router = createRouter(ctx, hotRoutes, (events) => functions.send(events))
  const app = express()
  app.disable("x-powered-by")
  app.set("query parser", "simple")
  app.use(router)
  app.use((_req, _res, next) => next(new ConduitError(ErrorCode.NOT_FOUND, "no such route")))
  app.use(errorHandler((error) => ctx.metrics.rejected.inc({ code: error.code })))

  const servers = new Set<Server>()
  const unused = new Set<Socket>()
  function forgetSocket(this: Socket) {
    unused.delete(this)
  }

  return {
    app,
    router,
    broker,
    runStore,
    functions,
    options,
    logger,
    async listen({ port = 0, host = "127.0.0.1", fastPath = true } = {}) {
      const fast = fastPath
        ? createFastPath({ ...hotRoutes, maxRequestBytes: options.maxRequestBytes, cors: corsOf(ctx), onRefusal: onRefusal(ctx) })
        : null
      const handle = fast ? (req: IncomingMessage, res: ServerResponse) => fast(req, res) || app(req, res) : app
      // Slowloris: headers must arrive within headersTimeoutMs; Node checks that every connectionsCheckingInterval.
      const server = createServer(
        {
          headersTimeout: options.headersTimeoutMs,
          requestTimeout: Math.max(options.headersTimeoutMs, 300_000),
          connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(options.headersTimeoutMs / 4))),
          // The router refuses a missing Host itself, in JSON (assertValidHost); Node's answer has no body.
          requireHostHeader: false,
          ...expressMessages(app),
        },
        handle,
      )
      servers.add(server)
      // Sockets that never sent a request (browser and undici preconnects):
      // closeIdleConnections() leaves them open, so close() ends them itself.
      server.on("connection", (socket: Socket) => {
        unused.add(socket)
        socket.once("close", forgetSocket)
      })
      server.on("request", (req: IncomingMessage) => unused.delete(req.socket))
      // What Node would answer by itself, with an empty body or none, is answered in JSON like every refusal.
      server.on("clientError", answerClientError)
      server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
        // Node would send `100 Continue` at once: a body the gateway will refuse is refused instead.
        try {
          assertRequestFits(req, options.maxRequestBytes)
        } catch (error) {
          return writeError(res, error as ConduitError)
        }
        res.writeContinue()
        server.emit("request", req, res)
      })
      server.on("checkExpectation", (_req: IncomingMessage, res: ServerResponse) =>
        writeError(res, new ConduitError(ErrorCode.EXPECTATION_FAILED, "the only expectation served is 100-continue")),
      )
      server.on("connect", (_req: IncomingMessage, socket: Socket) => {
        writeRawError(socket, new ConduitError(ErrorCode.METHOD_NOT_ALLOWED, "CONNECT is not served: this is not a proxy"))
      })
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject)
        server.listen(port, host, () => {
          server.off("error", reject)
          resolve()
        })
      })
      const address = server.address() as AddressInfo
      const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address
      return { url: `http://${shownHost}:${address.port}`, port: address.port, server }
    },
    async publish(message, publishOptions) {
      return { ids: await publisher.publish(Array.isArray(message) ? message : [message], publishOptions) }
    },
    mintToken: (tokenInput) => ctx.auth.mintToken(tokenInput),
    async close() {
      if (ctx.closing.value) return
      ctx.closing.value = true
      const closed = [...servers].map(
        (server) => new Promise<void>((resolve) => server.close(() => resolve())),
      )
      fanout.closeAll("shutdown")
      for (const server of servers) server.closeIdleConnections()
      for (const socket of unused) socket.destroy()
      const deadline = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), options.drainTimeoutMs).unref())
      if ((await Promise.race([Promise.all(closed), deadline])) === "timeout") {
        for (const server of servers) server.closeAllConnections()
        await Promise.all(closed)
      }
      fanout.stop()
      await functions.close()
      if (ownsBroker) await broker.close()
      await (runStore as Partial<RedisRunStore>).close?.()
    },
  }
}
