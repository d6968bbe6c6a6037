/** Defaults shared by the gateway, SDK and client. Each is overridable. */
export const DEFAULTS = {
  port: 8288,
  host: "127.0.0.1",
  historySize: 1000,
  historyTtlMs: 5 * 60_000,
  /** Bytes of serialized `data` retained per channel. */
  historyBytes: 16 * 1024 * 1024,
  /** Idempotency keys the memory broker remembers at once (and, apart, as many request keys). */
  idempotencyKeys: 1_000_000,
  /**
   * How long a publish request's key (`Idempotency-Key`) is remembered: long
   * enough for a retry of that request (the SDK stops retrying well within
   * it), short enough not to cap a sustained publish rate.
   */
  requestKeyTtlMs: 60_000,
  heartbeatMs: 15_000,
  maxMessageBytes: 512 * 1024,
  maxBatchMessages: 1000,
  slowConsumerBytes: 1024 * 1024,
  tokenTtlSeconds: 60,
  /** Longest token lifetime the gateway mints or accepts: a day. */
  maxTokenTtlSeconds: 24 * 60 * 60,
  /** `retry:` sent at the start of every stream. */
  retryMs: 1000,
  /** Shortest signing key accepted in production. */
  minSigningKeyBytes: 32,
} as const

/** Longest channel name, in characters (`names.ts` builds its rule from it). */
export const CHANNEL_NAME_MAX = 256
/** Longest topic name, in characters (`names.ts` builds its rule from it). */
export const TOPIC_NAME_MAX = 64
