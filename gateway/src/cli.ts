// The `conduit` command (bin of @conduit/gateway): dev, start, token, publish, tail.
import { existsSync } from "node:fs"
import { describeError } from "./cli/describeError.ts"
import { packageVersion, runCli } from "./cli/runCli.ts"

const io = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  // Colour on terminals only; hasColors() honours NO_COLOR and FORCE_COLOR.
  color: process.stdout.isTTY === true && process.stdout.hasColors(),
}

try {
  // `.env` is read when present; real environment variables win over it.
  if (existsSync(".env")) process.loadEnvFile(".env")
  const code = await runCli(process.argv.slice(2), io, packageVersion(new URL("../package.json", import.meta.url)))
  if (code !== "serving") process.exitCode = code
} catch (error) {
  process.stderr.write(`${describeError(error)}\n`)
  process.exitCode = 1
}
