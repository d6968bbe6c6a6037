import { isConduitError } from "@conduit/shared"

/**
 * The one line the CLI prints for an error it expects (bad configuration, a
 * port in use, a gateway that refused or cannot be reached), instead of a
 * stack. Anything else is a bug: it keeps its stack.
 */
export function describeError(error: unknown): string {
  if (isConduitError(error)) {
    const cause = systemCode(error.cause)
    return `conduit: ${error.code}: ${error.message}${cause ? ` (${cause})` : ""}`
  }
  const system = error as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string }
  switch (system?.code) {
    case "EADDRINUSE":
      return `conduit: port ${system.port} on ${system.address} is already in use (another gateway?): choose another with --port or CONDUIT_PORT`
    case "EACCES":
      if (system.syscall === "listen") return `conduit: not allowed to listen on port ${system.port} (ports below 1024 need privileges): choose another with --port or CONDUIT_PORT`
      break
    case "EADDRNOTAVAIL":
      return `conduit: ${system.address} is not an address of this machine: choose another with --host or CONDUIT_HOST`
    case "ENOTFOUND":
      return `conduit: host ${system.hostname ?? ""} not found: check --host or CONDUIT_HOST`
  }
  return `conduit: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`
}

/** Why a network call failed, from fetch's nested causes: ECONNREFUSED, ENOTFOUND, "bad port"… */
function systemCode(cause: unknown): string | undefined {
  const inner = (cause as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause
  const code = (cause as { code?: unknown } | undefined)?.code ?? inner?.code ?? inner?.message
  return typeof code === "string" ? code : undefined
}
