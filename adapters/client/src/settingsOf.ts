import { ConduitError, ErrorCode } from "@conduit/shared"
import type { SubscribeOptions } from "./types.ts"

/** The options a store acts on, defaults applied and Inngest's names merged with ours. */
export interface Settings {
  pauseOnHidden: boolean
  reconnect: boolean
  /** First reconnect delay and cap, ms. */
  backoff: { initialMs: number; maxMs: number }
  /** Most messages kept; Infinity for `historyLimit: null`. */
  historyLimit: number
  validate: boolean
  autoCloseOnTerminal: boolean
  untilRunEnds: boolean
}

function duration(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ConduitError(ErrorCode.CONFIG, `${name} must be a number of ms ≥ 0`, { details: { [name]: String(value) } })
  }
  return value
}

/** Checks and resolves the options (ERR_CONFIG for a bad number, before anything connects). */
export function settingsOf(options: SubscribeOptions<any, any>): Settings {
  const limit = options.historyLimit
  if (limit !== undefined && limit !== null && !(Number.isInteger(limit) && limit >= 0)) {
    throw new ConduitError(ErrorCode.CONFIG, "historyLimit must be an integer ≥ 0, or null for no limit", { details: { historyLimit: String(limit) } })
  }
  const initialMs = duration("reconnectMinMs", options.reconnectMinMs ?? options.backoff?.initialMs, 1000)
  const maxMs = duration("reconnectMaxMs", options.reconnectMaxMs ?? options.backoff?.maxMs, 30_000)
  // One decision from either name: closing at the run's end also ends iterators, so they agree.
  const untilRunEnds = options.untilRunEnds ?? options.autoCloseOnTerminal ?? true
  return {
    pauseOnHidden: options.pauseOnHidden ?? options.pauseWhenHidden ?? true,
    reconnect: options.reconnect ?? true,
    backoff: { initialMs, maxMs: Math.max(maxMs, initialMs) },
    historyLimit: limit === null ? Number.POSITIVE_INFINITY : (limit ?? 1000),
    validate: options.validate ?? true,
    autoCloseOnTerminal: options.autoCloseOnTerminal ?? untilRunEnds,
    untilRunEnds,
  }
}
