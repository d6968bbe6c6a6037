#!/usr/bin/env -S npx tsx
import { existsSync } from "node:fs"
import { isConduitError } from "@conduit/shared"
import type { Broker } from "./broker/Broker.ts"
import { optionsFromEnv } from "./config/optionsFromEnv.ts"
import { createGateway } from "./createGateway.ts"
import { mountDemoFromEnv } from "./demo/mountDemo.ts"

// `.env` is read when present; real environment variables win over it.
if (existsSync(".env")) process.loadEnvFile(".env")

// Resolves once the broker is ready, or after `timeoutMs` (it keeps reconnecting; /readyz says when).
function brokerReady(broker: Broker, timeoutMs: number): Promise<boolean> {
  if (broker.isReady()) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs)
    const off = broker.onReadyChange?.((ready) => {
      if (!ready) return
      clearTimeout(timer)
      off?.()
      resolve(true)
    })
  })
}

async function main(): Promise<void> {
  const { port, host, ...options } = optionsFromEnv()
  const gateway = createGateway(options)
  const demo = mountDemoFromEnv(gateway)
  const brokerKind = options.redisUrl ? "redis" : options.redisCluster ? "redis cluster" : "memory"
  if (!(await brokerReady(gateway.broker, 10_000))) {
    gateway.logger.warn("Redis is not reachable yet: /readyz answers 503 and publishes are refused until it is")
  }
  const { url } = await gateway.listen({ port, host })
  const auth = gateway.options.dev ? "" : ` -H "Authorization: Bearer $CONDUIT_SIGNING_KEY"`
  gateway.logger.info({ url, dev: gateway.options.dev, broker: brokerKind }, "conduit gateway ready")
  console.log(`
Conduit gateway ready on ${url}${gateway.options.dev ? "  (dev mode: no tokens needed)" : ""}
${demo ? `\n  Demo (React, Vue and Svelte watching one run): ${url}/\n` : ""}
  Watch a channel:
    curl -N${auth} "${url}/v1/subscribe?channel=demo&lastEventId=0"
  Publish to it:
    curl -X POST${auth} -H "Content-Type: application/json" -d '{"channel":"demo","topic":"status","data":{"message":"hello"}}' ${url}/v1/publish
`)

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    gateway.logger.info({ signal }, "shutting down: closing streams")
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        gateway.logger.error({ err: error }, "shutdown failed")
        process.exit(1)
      },
    )
  }
  process.on("SIGTERM", () => stop("SIGTERM"))
  process.on("SIGINT", () => stop("SIGINT"))
}

main().catch((error: unknown) => {
  console.error(isConduitError(error) ? `conduit: ${error.code}: ${error.message}` : error)
  process.exit(1)
})
