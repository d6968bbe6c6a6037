import { type ErrorCode, httpStatusOf } from "./errorCodes.ts"

/** Extra machine-readable fields carried beside code and message. */
export type ErrorDetails = Record<string, unknown>

/** The one error class of Conduit: a stable `code`, a message, details. */
export class ConduitError extends Error {
  readonly code: ErrorCode
  readonly details: ErrorDetails

  constructor(code: ErrorCode, message: string, options: { details?: ErrorDetails; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = this.constructor.name
    this.code = code
    this.details = options.details ?? {}
  }

  /** HTTP status for this code (500 when the code is not an HTTP one). */
  get status(): number {
    return httpStatusOf[this.code] ?? 500
  }

  /** The JSON error body the gateway sends: `{ error: { code, message, ...details } }`. */
  toJSON(): { error: { code: ErrorCode; message: string } & ErrorDetails } {
    const { code: _code, message: _message, ...details } = this.details
    return { error: { code: this.code, message: this.message, ...details } }
  }
}

export function isConduitError(value: unknown): value is ConduitError {
  return value instanceof ConduitError
}
