import { ConduitError, ErrorCode } from "@conduit/shared"
import type { FunctionConfig } from "./FunctionConfig.ts"

const DEFAULT_RETRIES = 3
const DEFAULT_CONCURRENCY = 10

/** Refuses a malformed function config with ERR_CONFIG; resolves its defaults. */
export function checkFunctionConfig(config: FunctionConfig<any>): { retries: number; concurrency: number } {
  if (typeof config?.id !== "string" || config.id.length === 0) throw new ConduitError(ErrorCode.CONFIG, "a function needs an id")
  if (!Array.isArray(config.triggers) || config.triggers.length === 0 || !config.triggers.every((t) => typeof t?.event === "string")) {
    throw new ConduitError(ErrorCode.CONFIG, `function "${config.id}" needs triggers: [{ event: "…" }]`)
  }
  const retries = config.retries ?? DEFAULT_RETRIES
  if (!Number.isInteger(retries) || retries < 0) {
    throw new ConduitError(ErrorCode.CONFIG, `function "${config.id}": retries must be a non-negative integer`)
  }
  const concurrency = config.concurrency ?? DEFAULT_CONCURRENCY
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ConduitError(ErrorCode.CONFIG, `function "${config.id}": concurrency must be a positive integer`)
  }
  return { retries, concurrency }
}
