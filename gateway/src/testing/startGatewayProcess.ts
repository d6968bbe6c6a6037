import { spawnCli, spawnNode } from "./cliProcess.ts"

/** The gateway CLI running in a child process (a real separate node), for tests. */
export interface GatewayProcess {
  url: string
  pid: number
  /** stdout and stderr so far. */
  output(): string
  /** Sends a signal and resolves with the exit code (null when killed by a signal). */
  kill(signal?: NodeJS.Signals): Promise<number | null>
}

const READY = /Conduit gateway ready on (http:\/\/\S+)/

/**
 * Starts `conduit <command>` from source (`dev` unless told: dev mode, warn
 * logs unless overridden), or another `script` that prints the same ready
 * line, on a free port with `env` on top of this process's environment;
 * resolves once it printed its URL.
 */
export async function startGatewayProcess(
  env: Record<string, string>,
  timeoutMs = 20_000,
  command: "dev" | "start" | { script: string } = "dev",
): Promise<GatewayProcess> {
  const childEnv = { CONDUIT_PORT: "0", ...env }
  const child = typeof command === "string" ? spawnCli([command], childEnv) : spawnNode(command.script, [], childEnv)
  let out = ""
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${out}`)), timeoutMs)
    const onData = (chunk: Buffer): void => {
      out += chunk.toString()
      const match = READY.exec(out)
      if (!match) return
      clearTimeout(timer)
      resolve(match[1]!)
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", onData)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`gateway exited (${code}): ${out}`))
    })
  })
  return {
    url,
    pid: child.pid!,
    output: () => out,
    kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}
