import type { Cluster, Redis, RedisOptions } from "ioredis"
import type { Logger } from "pino"
import type { LiveModeSetting } from "./liveMode.ts"
import type { Readiness } from "./readiness.ts"
import { MARK_LOSS_SCRIPT, PUBLISH_SCRIPT, READ_SCRIPT } from "./redisScripts.ts"

/** The broker's scripts, as commands (`defineCommand`). */
export type ScriptCommands = Record<"conduitPublish" | "conduitRead" | "conduitMarkLoss", (numKeys: number, ...args: (string | number)[]) => Promise<unknown>>
/** A connection (or a cluster of them) that runs the broker's scripts. */
export type ScriptClient = (Redis | Cluster) & ScriptCommands

/** Live subscriptions by Pub/Sub channel name. */
export interface LiveSubscriptions {
  /** Resolves once every name is subscribed: anything published from then on arrives. */
  subscribe(names: string[]): Promise<void>
  unsubscribe(names: string[]): void
}

/** What the links tell the broker. */
export interface LinkEvents {
  /** A live message payload arrived on `name`. */
  message(name: string, payload: string): void
  /** These subscriptions stopped (a connection dropped, a slot moved): messages may be missed until restored. */
  lost(names: string[] | "all"): void
  /**
   * Redis is reachable again. `"all"` (one server): re-subscribe every live
   * channel, then catch up; readiness is reported once it resolves, and it is
   * retried while it fails. A list (a cluster shard came back, or a slot
   * moved): those are subscribed again already; catch them up.
   */
  restore(names: string[] | "all"): Promise<void>
}

/** The connections of a Redis broker, on one server or a cluster, and their joint readiness. */
export interface RedisLinks extends Readiness {
  /** Publishes. */
  readonly cmd: ScriptClient
  /** Replay reads, on connections of their own: a large replay never holds up a publish. */
  readonly reads: ScriptClient
  readonly live: LiveSubscriptions
  /** Whether keys of different channels may share one script: only on one server (a cluster runs one per slot). */
  readonly cluster: boolean
  /** The deployment's agreed live mode; null until agreed. */
  mode(): "S" | "P" | null
  /**
   * Whether a publish to this cluster slot would be written now (its
   * primary's connection is up). A cluster rejects one it cannot write with
   * the same error as one lost in flight; asking first keeps "unavailable"
   * true. Always true on one server (ioredis says so itself there).
   */
  canSend(slot: number): boolean
  close(): Promise<void>
}

export interface LinksOptions {
  prefix: string
  pubSub: LiveModeSetting
  commandTimeoutMs: number
  healthCheckMs: number
  healthCheckMisses: number
  redisOptions: RedisOptions
  logger: Logger | undefined
  events: LinkEvents
}

/**
 * Every connection: commands never wait for a connection (no offline queue),
 * are never retried or re-sent after a reconnect (a publish answered
 * "unavailable" must not happen later), and time out.
 */
export function connectionOptions(options: LinksOptions): RedisOptions {
  return {
    ...options.redisOptions,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false, // the broker re-subscribes, then catches up from the stream
    commandTimeout: options.commandTimeoutMs,
    // ioredis's ready check sends INFO, which deployments often rename away; a Redis
    // still loading its data answers LOADING instead, which is refused as "not now".
    enableReadyCheck: false,
  }
}

/** `prefix + "pubsub"`: where a deployment records its live mode. */
export const liveModeKey = (prefix: string): string => `${prefix}pubsub`

/** Defines the broker's scripts on a client (EVALSHA, loaded again by ioredis where a server lost them). */
export function withScripts<C extends Redis | Cluster>(client: C): C & ScriptCommands {
  client.defineCommand("conduitPublish", { lua: PUBLISH_SCRIPT })
  client.defineCommand("conduitRead", { lua: READ_SCRIPT })
  client.defineCommand("conduitMarkLoss", { lua: MARK_LOSS_SCRIPT })
  return client as C & ScriptCommands
}
