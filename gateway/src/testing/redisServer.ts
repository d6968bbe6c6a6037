import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createConnection, createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** A real `redis-server` on a loopback port, for tests. No persistence: a restart starts empty. */
export interface TestRedis {
  readonly port: number
  readonly url: string
  /** Stops the server (SIGKILL: connections drop at once) and waits for it to exit. */
  stop(): Promise<void>
  /** Starts it again on the same port; resolves once it answers PING. */
  start(): Promise<void>
  /** SIGSTOP / SIGCONT: a hung server, connections left open. */
  pause(): void
  resume(): void
  /** Stops it and removes its directory. */
  close(): Promise<void>
}

/** A loopback port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** Resolves once `+PONG` comes back from 127.0.0.1:port; rejects after `timeoutMs`. */
export async function waitForPing(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: "127.0.0.1" })
      let reply = ""
      socket.setTimeout(500, () => socket.destroy())
      socket.on("connect", () => socket.write("PING\r\n"))
      socket.on("data", (chunk) => {
        reply += chunk.toString()
        if (reply.includes("\r\n")) socket.end()
      })
      socket.on("close", () => resolve(reply.startsWith("+PONG")))
      socket.on("error", () => {})
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export interface StartRedisOptions {
  /** More `redis-server` arguments, e.g. `["--rename-command", "INFO", ""]`. @default [] */
  args?: readonly string[]
}

/** Starts `redis-server` (from PATH or `REDIS_SERVER`) in a temp dir on a free port. */
export async function startRedis(options: StartRedisOptions = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), "conduit-redis-"))
  const port = await freePort()
  let child: ChildProcess | null = null
  let output = ""

  const start = async (): Promise<void> => {
    const bin = process.env.REDIS_SERVER ?? "redis-server"
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, ...(options.args ?? [])]
    const proc = spawn(bin, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] })
    child = proc
    proc.stdout!.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)))
    proc.stderr!.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)))
    const exited = new Promise<never>((_, reject) =>
      proc.once("exit", (code) => reject(new Error(`redis-server exited (${code}) before answering: ${output}`))),
    )
    exited.catch(() => {})
    await Promise.race([waitForPing(port), exited])
  }

  const stop = async (): Promise<void> => {
    const proc = child
    child = null
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const gone = new Promise((resolve) => proc.once("exit", resolve))
    proc.kill("SIGKILL")
    await gone
  }

  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    pause: () => child?.kill("SIGSTOP"),
    resume: () => child?.kill("SIGCONT"),
    async close() {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
