// The servers under test: the Conduit gateway (every feature on) and the
// minimal Node SSE baseline; plus a throwaway redis-server for --redis.
import { randomBytes } from "node:crypto"
import { fileURLToPath } from "node:url"
import { freePort, start, stop, waitReady } from "./processes.mjs"

const root = fileURLToPath(new URL("../..", import.meta.url))

/**
 * The gateway as deployed: a signing key (so subscribers need real tokens),
 * production mode, warn-level logs, default history and metrics.
 */
export async function startConduit({ redis } = {}) {
  const redisUrl = redis?.url
  const port = await freePort()
  const key = randomBytes(32).toString("base64url")
  const env = {
    CONDUIT_PORT: String(port),
    CONDUIT_HOST: "127.0.0.1",
    CONDUIT_SIGNING_KEY: key,
    CONDUIT_LOG_LEVEL: "warn",
    NODE_ENV: "production",
    ...(redisUrl ? { CONDUIT_REDIS_URL: redisUrl } : {}),
  }
  const proc = start(["node", "--conditions=@conduit/source", "--import", "tsx", "gateway/src/cli.ts", "start"], { env, cwd: root })
  try {
    await waitReady(proc, `http://127.0.0.1:${port}/readyz`)
  } catch (error) {
    await stop(proc)
    throw error
  }
  // With Redis, the broker's CPU and memory count as the gateway's.
  return { proc, port, key, pids: redis ? [proc.pid, redis.pid] : [proc.pid], stop: () => stop(proc) }
}

/** bench/baseline/server.mjs, writing straight to the socket (`socket`) or via `res.write` (`res`). */
export async function startBaseline(write = "socket") {
  const port = await freePort()
  const proc = start(["node", "bench/baseline/server.mjs", "--port", String(port), "--write", write], { cwd: root })
  await waitReady(proc, `http://127.0.0.1:${port}/healthz`)
  return { proc, port, key: null, pids: [proc.pid], stop: () => stop(proc) }
}

/** A redis-server with no persistence on a loopback port, or null when none is installed. */
export async function startRedis() {
  const port = await freePort()
  const proc = start(["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
  const deadline = Date.now() + 5000
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) return null
    if (proc.out.stdout.includes("Ready to accept connections")) return { url: `redis://127.0.0.1:${port}`, pid: proc.pid, stop: () => stop(proc) }
    await new Promise((r) => setTimeout(r, 50))
  }
  await stop(proc)
  return null
}
