import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

/** The CLI's source entry; run under tsx (the source condition comes from NODE_OPTIONS, see vitest.config.ts). */
export const CLI_ENTRY = fileURLToPath(new URL("../cli.ts", import.meta.url))

/** What every CLI child gets beside the caller's env: quiet logs, no key, not production. */
export const CLI_TEST_ENV: Record<string, string> = { CONDUIT_LOG_LEVEL: "warn", CONDUIT_SIGNING_KEY: "", NODE_ENV: "" }

/** Spawns `node --import tsx <script> ...args` with `env` on top of this process's environment and `CLI_TEST_ENV`. */
export function spawnNode(script: string, args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, ["--import", "tsx", script, ...args], {
    env: { ...process.env, ...CLI_TEST_ENV, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  })
}

/** Spawns `node --import tsx gateway/src/cli.ts ...args` with `env` on top of this process's environment. */
export function spawnCli(args: string[], env: Record<string, string> = {}) {
  return spawnNode(CLI_ENTRY, args, env)
}

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs a CLI command that ends by itself (token, publish, help, a refused
 * start). One still running after `timeoutMs` is stopped with SIGTERM, so a
 * command that should have refused shows as a wrong exit code, not a hang.
 */
export function runCliProcess(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<CliResult> {
  const child = spawnCli(args, env)
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (d) => (stdout += d))
  child.stderr.on("data", (d) => (stderr += d))
  const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs)
  return new Promise((resolve) =>
    child.once("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    }),
  )
}
