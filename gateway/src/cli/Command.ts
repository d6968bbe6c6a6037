import { type ParseArgsConfig, parseArgs } from "node:util"
import { ConduitError, ErrorCode } from "@conduit/shared"

/** Where a command writes, and whether it may colour its output. */
export interface CliIo {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  env: NodeJS.ProcessEnv
  color: boolean
}

export type CommandOptions = NonNullable<ParseArgsConfig["options"]>

/** What `parseArgs` gives a command: its flags and its positional arguments. */
export interface CommandArgs {
  values: Record<string, string | boolean | undefined>
  positionals: string[]
}

/** One `conduit <name>` subcommand. */
export interface Command {
  name: string
  /** One line for `conduit --help`. */
  summary: string
  /** The whole `conduit <name> --help` text. */
  help: string
  options: CommandOptions
  /** Positional arguments it takes: [min, max]. */
  positionals: [number, number]
  /** Resolves with an exit code, or `"serving"` when the process stays up (a gateway). */
  run(args: CommandArgs, io: CliIo): Promise<number | "serving">
}

/** Parses a command's argv strictly: unknown flags and extra arguments are errors, not guesses. */
export function parseCommandArgs(command: Command, argv: string[]): CommandArgs {
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: argv, options: command.options, allowPositionals: true, strict: true })
  } catch (error) {
    // parseArgs' first sentence names the problem ("Unknown option '--x'"); the rest is about positionals.
    throw usageError(command, (error instanceof Error ? error.message : String(error)).split(". ")[0]!)
  }
  const [min, max] = command.positionals
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    throw usageError(command, parsed.positionals.length < min ? "missing arguments" : `unexpected argument "${parsed.positionals[max]}"`)
  }
  return { values: parsed.values as CommandArgs["values"], positionals: parsed.positionals }
}

export function usageError(command: Command, message: string): ConduitError {
  return new ConduitError(ErrorCode.CONFIG, `${message.replace(/\.$/, "")} (see conduit ${command.name} --help)`)
}

/** Where `conduit dev` listens when nothing else is set, and where client commands look first. */
export const DEFAULT_URL = "http://127.0.0.1:8288"

/** The gateway a client command talks to: `--url`, else `CONDUIT_URL`, else `CONDUIT_HOST`/`CONDUIT_PORT`. */
export function gatewayUrl(values: CommandArgs["values"], env: NodeJS.ProcessEnv): string {
  const url = values.url
  if (typeof url === "string" && url !== "") return url.replace(/\/+$/, "")
  if (env.CONDUIT_URL) return env.CONDUIT_URL.replace(/\/+$/, "")
  return `http://${env.CONDUIT_HOST || "127.0.0.1"}:${env.CONDUIT_PORT || "8288"}`
}

/** `--url` as every client command declares it. */
export const URL_OPTION: CommandOptions = { url: { type: "string" } }

/** Shared help lines of the client commands. */
export const CLIENT_HELP = `  --url URL       the gateway (default: CONDUIT_URL, else http://CONDUIT_HOST:CONDUIT_PORT,
                  i.e. http://127.0.0.1:8288)
Credentials: CONDUIT_SIGNING_KEY from the environment or ./.env (none in dev mode).`
