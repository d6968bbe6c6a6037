// Child processes of a benchmark run: servers and load generators, each
// started through bash with the fd limit raised, stopped by pid.
import { spawn } from "node:child_process"
import { createServer } from "node:net"
import { setTimeout as sleep } from "node:timers/promises"

/** 10,000 subscribers need ~10,050 fds on each side; use the hard limit when it is lower. */
const FD_LIMIT = 20000
const withFdLimit = (command) => `ulimit -n ${FD_LIMIT} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec ${command}`

export const shellQuote = (s) => `'${String(s).replaceAll("'", `'\\''`)}'`

/** A free loopback port (bound then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once("error", reject)
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/** Starts `command` (argv joined for bash); its pid is the program itself thanks to `exec`. */
export function start(argv, { env = {}, cwd } = {}) {
  const child = spawn("bash", ["-c", withFdLimit(argv.map(shellQuote).join(" "))], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  })
  const out = { stdout: "", stderr: "" }
  child.stdout.on("data", (c) => (out.stdout = (out.stdout + c).slice(-200_000)))
  child.stderr.on("data", (c) => (out.stderr = (out.stderr + c).slice(-20_000)))
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })))
  return { child, pid: child.pid, out, exited }
}

/** Polls `url` until it answers 200; rejects if the process exits first or after `timeoutMs`. */
export async function waitReady(proc, url, timeoutMs = 20_000) {
  let gone = null
  proc.exited.then((e) => (gone = e))
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (gone) throw new Error(`exited (${gone.code ?? gone.signal}) before it was ready:\n${proc.out.stderr.trim()}`)
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) })
      if (res.status === 200) return
    } catch {}
    await sleep(100)
  }
  throw new Error(`not ready after ${timeoutMs} ms:\n${proc.out.stderr.trim()}`)
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stop(proc, graceMs = 5000) {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return
  proc.child.kill("SIGTERM")
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), graceMs)
  await proc.exited
  clearTimeout(timer)
}

/** Runs a command to completion (bounded by `timeoutMs`) and returns its last stdout line parsed as JSON. */
export async function runJson(argv, { timeoutMs, cwd } = {}) {
  const proc = start(argv, { cwd })
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), timeoutMs)
  const { code, signal } = await proc.exited
  clearTimeout(timer)
  const last = proc.out.stdout.trim().split("\n").at(-1) ?? ""
  if (code !== 0 || !last.startsWith("{")) {
    throw new Error(`${argv.slice(0, 3).join(" ")} … failed (${code ?? signal}):\n${proc.out.stderr.trim().slice(-2000)}`)
  }
  return JSON.parse(last)
}
