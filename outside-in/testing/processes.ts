import { type ChildProcess, spawn } from "node:child_process"

export interface Finished {
  code: number | null
  stdout: string
  stderr: string
}

// What `npm test` and Vitest put in this process's environment, which a user's shell does not have.
const RUNNER_ENV = /^(npm_|vitest)|^(NODE_OPTIONS|NODE_ENV|INIT_CWD|TEST)$/i

/** The environment of a consumer: nothing from `npm test` or Vitest (npm_* settings, NODE_ENV=test, the repository's source condition). */
export function consumerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!RUNNER_ENV.test(key)) env[key] = value
  }
  return { ...env, ...extra }
}

/** Runs a command to its end. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = consumerEnv()): Promise<Finished> {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] })
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (d) => (stdout += d))
  child.stderr.on("data", (d) => (stderr += d))
  return new Promise((resolve, reject) => {
    child.once("error", reject)
    child.once("close", (code) => resolve({ code, stdout, stderr }))
  })
}

/** A long-running command (a gateway, a tail): its output so far, a wait on it, a stop. */
export interface Running {
  child: ChildProcess
  output(): string
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/**
 * Starts a command in a process group of its own, so that stopping it reaches
 * the node process behind `npx` (npm exec → sh → node) too.
 */
export function start(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = consumerEnv()): Running {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true })
  let out = ""
  const listeners = new Set<() => void>()
  const onData = (d: Buffer) => {
    out += d
    for (const listener of listeners) listener()
  }
  child.stdout!.on("data", onData)
  child.stderr!.on("data", onData)
  // "close": the output is complete (it can still arrive after "exit").
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)))
  return {
    child,
    output: () => out,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(out)
          if (!match) return
          done()
          resolve(match)
        }
        const timer = setTimeout(() => (done(), reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${out}`))), timeoutMs)
        const ended = () => (done(), reject(new Error(`exited before ${pattern}; output:\n${out}`)))
        const done = () => {
          clearTimeout(timer)
          listeners.delete(check)
          child.off("close", ended)
        }
        listeners.add(check)
        child.once("close", ended)
        check()
      })
    },
    stop(signal = "SIGTERM") {
      try {
        process.kill(-child.pid!, signal)
      } catch {
        // The whole group has already exited.
      }
      return exited
    },
  }
}
