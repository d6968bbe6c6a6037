import { ConduitError, ErrorCode } from "@conduit/shared"

/**
 * `JSON.stringify` that refuses what a store or the wire could not carry
 * (cycles, BigInt) with ERR_INVALID_BODY. `undefined` stays undefined.
 */
export function toJson(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch (error) {
    throw new ConduitError(ErrorCode.INVALID_BODY, `${what} is not JSON-serializable`, { cause: error })
  }
  return json
}
