/** The Redis names of one channel. */
export interface RedisChannelKeys {
  /** Stream holding retained messages; Redis assigns their ids. */
  stream: string
  /** Hash: `ev` (newest evicted id) and `born` (first id of this stream's life), for `$gap`. */
  meta: string
  /** Pub/Sub channel carrying live messages to every node. */
  live: string
  /** Key remembering the id an idempotency key was published under. */
  idempotency(key: string): string
}

/**
 * Key names for a channel. The channel sits in a `{hash tag}`, so every key
 * of one channel lands in one cluster slot and the publish script may touch
 * them all; channel names cannot contain braces (DESIGN restricts their chars).
 */
export function redisKeysOf(prefix: string, channel: string): RedisChannelKeys {
  const base = `${prefix}{${channel}}`
  return {
    stream: `${base}:stream`,
    meta: `${base}:meta`,
    live: `${base}:live`,
    idempotency: (key) => `${base}:idem:${key}`,
  }
}
