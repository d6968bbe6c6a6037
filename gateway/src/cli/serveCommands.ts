import type { Broker } from "../broker/Broker.ts"
import { optionsFromEnv } from "../config/optionsFromEnv.ts"
import { createGateway } from "../createGateway.ts"
import { mountDemoFromEnv } from "../demo/mountDemo.ts"
import { type CliIo, type Command, type CommandArgs, DEFAULT_URL, usageError } from "./Command.ts"

const LISTEN_HELP = `  --port N        listen port (default: CONDUIT_PORT, else 8288)
  --host HOST     listen address (default: CONDUIT_HOST, else 127.0.0.1)
Settings come from CONDUIT_* variables or ./.env (see .env.example); a
variable you set wins over the command's default. SIGTERM or Ctrl-C drains
the streams (each gets $close shutdown) and exits 0.`

export const devCommand: Command = {
  name: "dev",
  summary: "run a gateway for development: dev mode, the demo page, the memory broker",
  help: `conduit dev [--port N] [--host HOST]

Runs a gateway in dev mode (no token needed to subscribe, no key to publish;
tokens that are sent are still verified) with the demo page at / and the
embedded memory broker (CONDUIT_REDIS_URL switches to Redis, CONDUIT_DEV=0
and CONDUIT_DEMO=0 turn dev mode and the demo off).

${LISTEN_HELP}`,
  options: { port: { type: "string" }, host: { type: "string" } },
  positionals: [0, 0],
  run: (args, io) => serve(args, io, "dev"),
}

export const startCommand: Command = {
  name: "start",
  summary: "run a gateway with production rules: refuses to start without a signing key",
  help: `conduit start [--port N] [--host HOST]

Runs a gateway with production rules: CONDUIT_SIGNING_KEY (at least 32 bytes)
is required, dev mode cannot be on, the demo is off (CONDUIT_DEMO=1 forces it).
Subscribers need tokens (conduit token, POST /v1/tokens or the SDK); publish
needs the key. CONDUIT_REDIS_URL runs it on Redis, beside other nodes.

${LISTEN_HELP}`,
  options: { port: { type: "string" }, host: { type: "string" } },
  positionals: [0, 0],
  run: (args, io) => serve(args, io, "start"),
}

async function serve({ values }: CommandArgs, io: CliIo, mode: "dev" | "start"): Promise<"serving"> {
  const command = mode === "dev" ? devCommand : startCommand
  const fromEnv = optionsFromEnv(io.env)
  const port = values.port === undefined ? fromEnv.port : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(command, `--port must be a port number, got "${values.port}"`)
  const host = typeof values.host === "string" && values.host !== "" ? values.host : fromEnv.host
  const { port: _port, host: _host, ...options } = fromEnv
  const gateway = createGateway(mode === "dev" ? { ...options, dev: options.dev ?? true } : { ...options, production: true })
  const demo = mountDemoFromEnv(gateway, io.env)
  if (!(await brokerReady(gateway.broker, 10_000))) {
    gateway.logger.warn("Redis is not reachable yet: /readyz answers 503 and publishes are refused until it is")
  }
  let url: string
  try {
    ;({ url } = await gateway.listen({ port, host }))
  } catch (error) {
    await gateway.close()
    throw error
  }
  const dev = gateway.options.dev
  const auth = dev ? "" : ` -H "Authorization: Bearer $CONDUIT_SIGNING_KEY"`
  const urlFlag = url === DEFAULT_URL ? "" : ` --url ${url}`
  gateway.logger.info({ url, dev, broker: options.redisUrl ? "redis" : options.redisCluster ? "redis cluster" : "memory" }, "conduit gateway ready")
  io.stdout.write(`
Conduit gateway ready on ${url}${dev ? "  (dev mode: no tokens needed)" : ""}
${demo ? `\n  Demo (React, Vue and Svelte watching one run): ${url}/\n` : ""}
  Watch a channel:
    npx conduit tail demo${urlFlag}
    curl -N${auth} "${url}/v1/subscribe?channel=demo&lastEventId=0"
  Publish to it:
    npx conduit publish demo status '{"message":"hello"}'${urlFlag}
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
  return "serving"
}

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
