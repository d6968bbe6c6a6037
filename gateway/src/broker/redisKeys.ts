/** The Redis names of one channel. */
export interface RedisChannelKeys {
  /** Stream holding retained messages; Redis assigns their ids. */
  stream: string
  /** Hash: `ev` (newest id gone, for `$gap`) and `b` (data bytes retained). */
  meta: string
  /** List indexing the stream, `"<id> <data bytes>"` per entry: what trimming reads. */
  index: string
  /** Pub/Sub channel carrying live messages to every node (sharded Pub/Sub: the same slot). */
  live: string
  /** Key remembering the id an idempotency key was published under. */
  idempotency(key: string): string
  /** Key remembering the ids a publish request (its request key) was answered with, for its part on this channel's slot. */
  request(key: string): string
}

/**
 * Key names for a channel. The channel sits in a `{hash tag}`, so every key
 * of one channel lands in one Redis Cluster slot and one script may touch
 * them all; channel names cannot contain braces (their characters are
 * restricted, see `assertChannelName`).
 */
export function redisKeysOf(prefix: string, channel: string): RedisChannelKeys {
  const base = `${prefix}{${channel}}`
  return {
    stream: `${base}:stream`,
    meta: `${base}:meta`,
    index: `${base}:index`,
    live: `${base}:live`,
    idempotency: (key) => `${base}:idem:${key}`,
    request: (key) => `${base}:req:${key}`,
  }
}
