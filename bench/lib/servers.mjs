// The servers under test: the Conduit gateway (every feature on), the
// minimal Node SSE baseline and, where installed, nginx + nchan; plus a
// throwaway redis-server for --redis.
import { randomBytes } from "node:crypto"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { USE_SOURCES_FLAG } from "../../scripts/sources.mjs"
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
  const proc = start(["node", USE_SOURCES_FLAG, "--import", "tsx", "gateway/src/cli.ts", "start"], { env, cwd: root })
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

const NGINX = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => existsSync(p))
const NCHAN_MODULE = ["/usr/lib/nginx/modules/ngx_nchan_module.so", "/usr/share/nginx/modules/ngx_nchan_module.so"].find((p) => existsSync(p))

/** Whether nginx with the nchan module is installed (`apt-get install nginx-light libnginx-mod-nchan`). */
export const hasNchan = () => NGINX !== undefined && NCHAN_MODULE !== undefined

/**
 * nginx + nchan, one worker, under a prefix of its own in the temp folder
 * (never the system service): `/sub?channel=C` an EventSource subscriber,
 * `/pub?channel=C` the publisher (body = the message), as fanout.mjs's
 * `nchan` preset and the loadgen's baseline target speak. History as
 * Conduit's default: 1,000 messages, 5 minutes.
 */
export async function startNchan() {
  const port = await freePort()
  const prefix = mkdtempSync(join(tmpdir(), "conduit-bench-nchan-"))
  const conf = join(prefix, "nginx.conf")
  writeFileSync(
    conf,
    `load_module ${NCHAN_MODULE};
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile 20000;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 20000; }
http {
  access_log off;
  # nginx closes a keep-alive connection after 1,000 requests by default; the publishers keep theirs for the run.
  keepalive_requests 10000000;
  keepalive_timeout 600s;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port};
    location = /sub { nchan_subscriber eventsource; nchan_channel_id $arg_channel; }
    location = /pub { nchan_publisher; nchan_channel_id $arg_channel; nchan_message_buffer_length 1000; nchan_message_timeout 5m; }
    location = /healthz { return 200 "ok"; }
  }
}
`,
  )
  const proc = start([NGINX, "-p", prefix, "-c", conf], { cwd: prefix })
  try {
    await waitReady(proc, `http://127.0.0.1:${port}/healthz`)
  } catch (error) {
    await stop(proc)
    throw error
  }
  // The worker serves: its RSS and CPU count, beside the master's (fanout.mjs walks the tree itself, the loadgen reads each pid).
  const workers = readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, "utf8").split(/\s+/).filter(Boolean).map(Number)
  return {
    proc,
    port,
    key: null,
    pids: [proc.pid, ...workers],
    stop: async () => {
      await stop(proc)
      rmSync(prefix, { recursive: true, force: true })
    },
  }
}
