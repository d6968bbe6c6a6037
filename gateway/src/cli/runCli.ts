import { readFileSync } from "node:fs"
import type { CliIo, Command } from "./Command.ts"
import { parseCommandArgs } from "./Command.ts"
import { publishCommand } from "./publishCommand.ts"
import { devCommand, startCommand } from "./serveCommands.ts"
import { tailCommand } from "./tailCommand.ts"
import { tokenCommand } from "./tokenCommand.ts"

const COMMANDS: readonly Command[] = [devCommand, startCommand, tokenCommand, publishCommand, tailCommand]

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length))
  return `Usage: conduit <command> [options]

${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

conduit <command> --help shows a command's options; conduit --version its version.
Docs: the README of @conduit/gateway (and of the Conduit repository).
`
}

/**
 * `conduit <command> ...`: resolves with the exit code, or `"serving"` while a
 * gateway runs. Errors reach the caller, which prints them in one line.
 */
export async function runCli(argv: string[], io: CliIo, version: string): Promise<number | "serving"> {
  const [name, ...rest] = argv
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const command = COMMANDS.find((c) => c.name === rest[0])
    io.stdout.write(command ? `${command.help}\n` : usage())
    return 0
  }
  if (name === "--version" || name === "-v") {
    io.stdout.write(`${version}\n`)
    return 0
  }
  const command = COMMANDS.find((c) => c.name === name)
  if (!command) {
    io.stderr.write(`conduit: unknown command "${name}"\n\n${usage()}`)
    return 2
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(`${command.help}\n`)
    return 0
  }
  return command.run(parseCommandArgs(command, rest), io)
}

/** This package's version, read from its package.json next to `src/` and `dist/`. */
export function packageVersion(packageJson: URL): string {
  return (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version
}
