import type { Logger } from "pino"
import type { Auth } from "./auth/createAuth.ts"
import type { Broker } from "./broker/Broker.ts"
import type { ResolvedOptions } from "./config/resolveOptions.ts"
import type { HotCounters, Metrics } from "./metrics/createMetrics.ts"
import type { ChannelRegistry } from "./publish/channelRegistry.ts"
import type { RateLimiter } from "./http/rateLimiter.ts"
import type { StreamQuota } from "./http/streamQuota.ts"
import type { Fanout } from "./stream/Fanout.ts"

/** What the routes of one gateway share. */
export interface GatewayContext {
  options: ResolvedOptions
  auth: Auth
  broker: Broker
  fanout: Fanout
  registry: ChannelRegistry
  metrics: Metrics
  hot: HotCounters
  logger: Logger
  /** Open streams per client address, when `maxStreamsPerIp` is set. */
  streamQuota: StreamQuota | null
  /** Publish requests per client address, when `publishRatePerSecond` is set. */
  publishRate: RateLimiter | null
  /** Set once `close()` began: new streams and publishes are refused. */
  closing: { value: boolean }
}
