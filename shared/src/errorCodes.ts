/**
 * Every error Conduit reports carries one of these codes: in HTTP bodies
 * (`{ error: { code, message } }`), in `$error` events, in thrown
 * `ConduitError`s and in the client snapshot. Tests assert on codes, never on
 * message text.
 */
export const ErrorCode = {
  /** No credential sent where one is required. */
  UNAUTHORIZED: "ERR_UNAUTHORIZED",
  /** Token malformed, forged, wrong algorithm, wrong audience or issuer. */
  TOKEN_INVALID: "ERR_TOKEN_INVALID",
  /** Token past its `exp`. Retryable with a fresh token. */
  TOKEN_EXPIRED: "ERR_TOKEN_EXPIRED",
  /** Token valid, but for another channel. */
  FORBIDDEN_CHANNEL: "ERR_FORBIDDEN_CHANNEL",
  /** Token valid, but a requested topic is not granted by it. */
  FORBIDDEN_TOPIC: "ERR_FORBIDDEN_TOPIC",
  /** Signing key wrong on a publish / tokens / history request, or sent in a URL. */
  INVALID_KEY: "ERR_INVALID_KEY",
  INVALID_CHANNEL: "ERR_INVALID_CHANNEL",
  INVALID_TOPIC: "ERR_INVALID_TOPIC",
  /** Topic not declared by the registered channel definition. */
  UNKNOWN_TOPIC: "ERR_UNKNOWN_TOPIC",
  /** Data failed the topic schema; `issues` lists the paths. */
  VALIDATION: "ERR_VALIDATION",
  PAYLOAD_TOO_LARGE: "ERR_PAYLOAD_TOO_LARGE",
  BATCH_TOO_LARGE: "ERR_BATCH_TOO_LARGE",
  INVALID_JSON: "ERR_INVALID_JSON",
  INVALID_BODY: "ERR_INVALID_BODY",
  UNSUPPORTED_MEDIA_TYPE: "ERR_UNSUPPORTED_MEDIA_TYPE",
  INVALID_LAST_EVENT_ID: "ERR_INVALID_LAST_EVENT_ID",
  INVALID_QUERY: "ERR_INVALID_QUERY",
  NOT_FOUND: "ERR_NOT_FOUND",
  METHOD_NOT_ALLOWED: "ERR_METHOD_NOT_ALLOWED",
  /**
   * Not a well-formed HTTP request, refused before any route: bad header bytes,
   * oversized headers, a missing, repeated or invalid `Host`, a path that does
   * not percent-decode.
   */
  MALFORMED_REQUEST: "ERR_MALFORMED_REQUEST",
  /** An `Expect` other than `100-continue`. */
  EXPECTATION_FAILED: "ERR_EXPECTATION_FAILED",
  RATE_LIMITED: "ERR_RATE_LIMITED",
  /**
   * The broker (e.g. Redis) cannot be reached, or refused for now: the
   * operation did not happen and cannot happen later. Retryable.
   */
  BROKER_UNAVAILABLE: "ERR_BROKER_UNAVAILABLE",
  /**
   * A publish reached the broker but no answer came back (timeout, dropped
   * connection): it may or may not have happened. Retry with the same
   * `idempotencyKey` (the SDK does) and it is published once either way.
   */
  OUTCOME_UNKNOWN: "ERR_OUTCOME_UNKNOWN",
  /** The broker refused the operation for good (e.g. a Redis key of the wrong type): nothing happened; not retryable. */
  BROKER_FAILED: "ERR_BROKER_FAILED",
  SHUTTING_DOWN: "ERR_SHUTTING_DOWN",
  /** A frame field would have broken SSE framing (CR, LF or NUL). */
  INVALID_FRAME: "ERR_INVALID_FRAME",
  /** Gateway refused to start: configuration unsafe or malformed. */
  CONFIG: "ERR_CONFIG",
  INTERNAL: "ERR_INTERNAL",
  /** Client side: the network failed or the server answered unexpectedly. */
  NETWORK: "ERR_NETWORK",
  HTTP: "ERR_HTTP",
  /** Client side: the stream broke the wire protocol. */
  PROTOCOL: "ERR_PROTOCOL",
  /** Client side: no heartbeat or message within the inactivity timeout. */
  TIMEOUT: "ERR_TIMEOUT",
  /** Functions runtime. */
  RUN_FAILED: "ERR_RUN_FAILED",
  RUN_CANCELLED: "ERR_RUN_CANCELLED",
  /** A run store asked to record a run whose id it holds already: nothing was written. */
  RUN_EXISTS: "ERR_RUN_EXISTS",
  /** A stream's source failed or was aborted, or its run's attempt ended first: the error marker's code. */
  STREAM_ABORTED: "ERR_STREAM_ABORTED",
  UNKNOWN_FUNCTION: "ERR_UNKNOWN_FUNCTION",
} as const

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/** HTTP status the gateway answers with for each code it can return. */
export const httpStatusOf: Partial<Record<ErrorCode, number>> = {
  ERR_UNAUTHORIZED: 401,
  ERR_TOKEN_INVALID: 401,
  ERR_TOKEN_EXPIRED: 401,
  ERR_INVALID_KEY: 401,
  ERR_FORBIDDEN_CHANNEL: 403,
  ERR_FORBIDDEN_TOPIC: 403,
  ERR_INVALID_CHANNEL: 400,
  ERR_INVALID_TOPIC: 400,
  ERR_UNKNOWN_TOPIC: 400,
  ERR_VALIDATION: 400,
  ERR_INVALID_JSON: 400,
  ERR_INVALID_BODY: 400,
  ERR_INVALID_LAST_EVENT_ID: 400,
  ERR_INVALID_QUERY: 400,
  ERR_INVALID_FRAME: 400,
  ERR_PAYLOAD_TOO_LARGE: 413,
  ERR_BATCH_TOO_LARGE: 413,
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_NOT_FOUND: 404,
  ERR_UNKNOWN_FUNCTION: 404,
  // Not answered by a route today; a conflict, never retried as a 5xx would be (isRetriable).
  ERR_RUN_EXISTS: 409,
  ERR_METHOD_NOT_ALLOWED: 405,
  ERR_MALFORMED_REQUEST: 400,
  ERR_EXPECTATION_FAILED: 417,
  ERR_RATE_LIMITED: 429,
  ERR_BROKER_UNAVAILABLE: 503,
  ERR_OUTCOME_UNKNOWN: 504,
  ERR_BROKER_FAILED: 500,
  ERR_SHUTTING_DOWN: 503,
  ERR_INTERNAL: 500,
}

/** Codes after which a client should reconnect (possibly with a new token). */
export const retryableCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCode.TOKEN_EXPIRED,
  ErrorCode.NETWORK,
  ErrorCode.TIMEOUT,
  ErrorCode.RATE_LIMITED,
  ErrorCode.BROKER_UNAVAILABLE,
  ErrorCode.SHUTTING_DOWN,
  ErrorCode.INTERNAL,
])
