import type { ChannelDefinition } from "@conduit/shared"
import type { Logger } from "pino"
import type { Broker } from "../broker/Broker.ts"

/** Options of `createGateway`; most have a `CONDUIT_*` environment twin (`.env.example` names the option each variable sets). */
export interface GatewayOptions {
  /** HS256 key for tokens and the publish API. @default none (dev mode) */
  signingKey?: string
  /** A second accepted key, for rotation. @default none */
  signingKeyFallback?: string
  /** No token needed to subscribe, no key to publish. @default true when no key and NODE_ENV is not production */
  dev?: boolean
  /** Channel definitions: HTTP publishes to matching channels are validated against them. @default [] */
  channels?: readonly ChannelDefinition[]
  /** Broker to use. One passed in is not closed by `close()`. @default a memory broker */
  broker?: Broker
  /**
   * Redis URL: history and live fan-out go through Redis (Streams + Pub/Sub),
   * so several gateway nodes serve one stream. Ignored when `broker` is given.
   * @default none (memory broker)
   */
  redisUrl?: string
  /**
   * Redis Cluster seed nodes (`host:port` or `redis://[user:password@]host:port`):
   * the same as `redisUrl`, on a cluster (ioredis' Cluster client). Not both.
   * @default none
   */
  redisCluster?: readonly string[]
  /** Prefix of the Redis broker's keys and Pub/Sub channels. @default "conduit:" */
  redisPrefix?: string
  /**
   * How live messages travel between nodes: "sharded" (SPUBLISH, Redis ≥ 7;
   * always on a cluster), "plain", or "auto". The first node records the
   * deployment's mode in Redis; "auto" follows it, a node set otherwise
   * refuses to run (a mixed fleet silently loses live messages). @default "auto"
   */
  redisPubSub?: "sharded" | "plain" | "auto"
  /** Messages retained per channel. @default 1000 */
  historySize?: number
  /** Age bound of retained messages, ms; idempotency keys are remembered as long. @default 300000 */
  historyTtlMs?: number
  /**
   * Bytes of serialized `data` retained per channel, beside the count and age
   * bounds: the oldest messages go first, the newest always stays (so it must
   * be at least `maxMessageBytes`). @default 16777216
   */
  historyBytes?: number
  /**
   * Idempotency keys the memory broker remembers at once (each for
   * `historyTtlMs`). Past it a publish with a new key is refused with
   * `429 ERR_RATE_LIMITED` until older keys expire: a key is never forgotten
   * early. (On Redis, keys live in Redis, bounded by its memory.) @default 1000000
   */
  idempotencyKeys?: number
  /**
   * How long a publish request's `Idempotency-Key` is remembered, ms: a
   * repeat within it publishes nothing and gets the first answer's ids. The
   * SDK puts one on every publish request it may retry (not one per
   * message), so its retries never cap a sustained publish rate. The memory
   * broker holds at most `idempotencyKeys` of them at once. @default 60000
   */
  requestKeyTtlMs?: number
  /** Heartbeat comment interval, ms. @default 15000 */
  heartbeatMs?: number
  /** Largest serialized `data` accepted, bytes. @default 524288 */
  maxMessageBytes?: number
  /** Messages per publish request. @default 1000 */
  maxBatchMessages?: number
  /** Largest request body, bytes. @default 16777216 */
  maxRequestBytes?: number
  /** Unsent bytes after which a subscriber is dropped with `$close slow_consumer`. @default 1048576 */
  slowConsumerBytes?: number
  /** Default token lifetime, seconds. @default 60 */
  tokenTtlSeconds?: number
  /**
   * Longest token lifetime, seconds: `expiresIn` above it is refused at
   * minting, and a token whose `exp` is further than this from its `iat` (or
   * from now) is refused at connect, as is a non-finite `exp`. @default 86400
   */
  maxTokenTtlSeconds?: number
  /** End streams at their token's `exp` with `$close token_expired`. @default false */
  enforceTokenExpiry?: boolean
  /** Origins allowed by CORS; `["*"]` allows any. @default [] (same origin only) */
  corsOrigins?: readonly string[]
  /** `retry:` sent to clients, ms. @default 1000 */
  retryMs?: number
  /** Open streams allowed per client address; past it `429 ERR_RATE_LIMITED` with `Retry-After`. 0 = no limit. @default 0 */
  maxStreamsPerIp?: number
  /** Publish requests per second per client address (bursts of as many); past it 429 with `Retry-After`. 0 = no limit. @default 0 */
  publishRatePerSecond?: number
  /** A client must send its request headers within this, ms (slowloris defence). @default 10000 */
  headersTimeoutMs?: number
  /** How long `close()` waits for streams to drain before cutting them, ms. @default 5000 */
  drainTimeoutMs?: number
  /** A pino logger, or a level for the default one. @default "info" */
  logger?: Logger
  logLevel?: string
  /** Treat as production (refuse to start without a ≥ 32-byte key). @default NODE_ENV === "production" */
  production?: boolean
}
