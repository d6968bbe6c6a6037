import type { Redis } from "ioredis"
import { afterAll, afterEach, beforeAll, expect } from "vitest"
import { createRedisBroker, type RedisBroker, type RedisBrokerOptions } from "../broker/redisBroker.ts"
import { inspectorClient } from "./inspectorClient.ts"
import { startRedis, type TestRedis } from "./redisServer.ts"

/** What a Redis broker test file works with: its `redis-server`, a client to look inside, and brokers ("nodes") on it. */
export interface RedisBrokerRig {
  readonly redis: TestRedis
  readonly raw: Redis
  /** A broker on the rig's Redis (or `options.url`), ready unless `ready: false`; closed after the test. */
  node(options?: Partial<RedisBrokerOptions>, ready?: boolean): Promise<RedisBroker>
  /** A channel name no other test uses. */
  fresh(): string
}

/**
 * Starts a `redis-server` for the test file (hooks registered here), closes
 * every broker after each test, and the server after the file.
 */
export function redisBrokerRig(tag: string): RedisBrokerRig {
  let redis: TestRedis | undefined
  let raw: Redis | undefined
  const brokers: RedisBroker[] = []
  let n = 0
  beforeAll(async () => {
    redis = await startRedis()
    raw = inspectorClient(redis.url)
  })
  afterEach(async () => {
    redis?.resume() // a test that paused it and failed
    await Promise.all(brokers.splice(0).map((b) => b.close()))
  })
  afterAll(async () => {
    raw?.disconnect()
    await redis?.close()
  })
  return {
    get redis() {
      return redis!
    },
    get raw() {
      return raw!
    },
    async node(options = {}, ready = true) {
      const broker = createRedisBroker({ url: redis!.url, ...options })
      brokers.push(broker)
      if (ready) expect(await broker.whenReady(5000)).toBe(true)
      return broker
    },
    fresh: () => `${tag}:${process.pid}.${++n}`,
  }
}
