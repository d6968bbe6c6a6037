import { ConduitError, type PublishInput } from "@conduit/shared"

export interface CoalesceOptions {
  /** Most messages in one request (the gateway's `maxBatchMessages`). @default 1000 */
  maxMessages?: number
  /** Most bytes of serialized messages in one request (well below the gateway's `maxRequestBytes`). @default 1048576 */
  maxBytes?: number
  /** Requests in flight at once (never two holding the same channel, so per-channel order holds). @default 4 */
  maxInFlight?: number
}

/** Sends one batch request (with its retries) and answers its ids. */
export type SendBatch = (inputs: PublishInput[]) => Promise<string[]>

/** A publish waiting for its batch: one message, or a `publishMany` group that is never split. */
interface Pending {
  inputs: PublishInput[]
  bytes: number
  /** Its channels, each once. */
  channels: string[]
  resolve(ids: string[]): void
  reject(error: unknown): void
}

export interface PublishCoalescer {
  /** Queues messages that go out together (in one request, all or none); resolves with their ids. */
  publish(inputs: PublishInput[]): Promise<string[]>
}

/**
 * Coalesces the publishes of one event-loop turn into batch requests
 * (`{ messages: [...] }`), bounded by count and bytes: a token stream, or
 * many concurrent callers, costs one request per batch instead of one per
 * message. Publish order is kept per channel: a request never holds a
 * channel that an earlier one, still in flight, holds, and messages leave
 * in queue order. Each caller gets its own ids or error: when the gateway
 * refuses one message of a batch (`details.index`), nothing of it was
 * published (a batch is all or none), so that caller gets the error and the
 * others are sent again without it.
 */
export function createPublishCoalescer(send: SendBatch, options: CoalesceOptions = {}): PublishCoalescer {
  const maxMessages = options.maxMessages ?? 1000
  const maxBytes = options.maxBytes ?? 1024 * 1024
  const maxInFlight = options.maxInFlight ?? 4
  const lookahead = 4 * maxMessages
  // The queue is queue[head…]: taking a batch costs what it scans, never the length of the queue.
  let queue: Pending[] = []
  let head = 0
  let scheduled = false
  let inFlight = 0
  const busy = new Map<string, number>() // channel → requests in flight holding it

  function schedule(): void {
    if (scheduled || head === queue.length || inFlight >= maxInFlight) return
    scheduled = true
    // setImmediate: after this turn's microtasks and I/O, so every publish of the turn is in the queue.
    setImmediate(flush)
  }

  /**
   * Takes what may leave now: in queue order, skipping (and holding back
   * every later message of) channels already in flight, until the batch is
   * full. Looks at most `lookahead` publishes past a held one.
   */
  function take(): Pending[] {
    const batch: Pending[] = []
    const held = new Set<string>()
    const kept: Pending[] = []
    let count = 0
    let bytes = 0
    let i = head
    const stop = Math.min(queue.length, head + lookahead)
    for (; i < stop; i++) {
      const p = queue[i]!
      let blocked = false
      for (const c of p.channels) if (busy.has(c) || held.has(c)) blocked = true
      if (blocked) {
        for (const c of p.channels) held.add(c)
        kept.push(p)
        continue
      }
      if (batch.length > 0 && (count + p.inputs.length > maxMessages || bytes + p.bytes > maxBytes)) break // full
      batch.push(p)
      count += p.inputs.length
      bytes += p.bytes
    }
    // What was held back goes back in place, in order, just before where the scan stopped.
    head = i - kept.length
    for (let k = 0; k < kept.length; k++) queue[head + k] = kept[k]!
    if (head > 4096 && head * 2 > queue.length) {
      queue = queue.slice(head)
      head = 0
    }
    return batch
  }

  function flush(): void {
    scheduled = false
    while (inFlight < maxInFlight && head < queue.length) {
      const batch = take()
      if (batch.length === 0) return
      void run(batch)
    }
  }

  async function run(batch: Pending[]): Promise<void> {
    inFlight++
    const channels = new Set(batch.flatMap((p) => p.channels))
    for (const c of channels) busy.set(c, (busy.get(c) ?? 0) + 1)
    try {
      await sendAll(batch)
    } finally {
      for (const c of channels) {
        const n = busy.get(c)! - 1
        if (n === 0) busy.delete(c)
        else busy.set(c, n)
      }
      inFlight--
      schedule()
    }
  }

  /** Sends the batch; a refused message fails its own publish, and the rest goes again, until all are answered. */
  async function sendAll(batch: Pending[]): Promise<void> {
    let left = batch
    while (left.length > 0) {
      const inputs = left.flatMap((p) => p.inputs)
      try {
        const ids = await send(inputs)
        let at = 0
        for (const p of left) {
          p.resolve(ids.slice(at, at + p.inputs.length))
          at += p.inputs.length
        }
        return
      } catch (error) {
        const culprit = left.length > 1 ? culpritOf(error, left) : -1
        if (culprit === -1) {
          for (const p of left) p.reject(error)
          return
        }
        left[culprit]!.reject(withoutIndex(error as ConduitError, left[culprit]!, left, culprit))
        left = left.filter((_, i) => i !== culprit)
      }
    }
  }

  return {
    publish(inputs) {
      return new Promise<string[]>((resolve, reject) => {
        let bytes = 0
        for (const input of inputs) bytes += sizeOf(input)
        const channels = inputs.length === 1 ? [inputs[0]!.channel] : [...new Set(inputs.map((m) => m.channel))]
        queue.push({ inputs, bytes, channels, resolve, reject })
        schedule()
      })
    },
  }
}

/** Which publish of the batch the gateway refused (its error's `details.index`), or -1 for the whole request. */
function culpritOf(error: unknown, batch: Pending[]): number {
  if (!(error instanceof ConduitError) || typeof error.details.index !== "number" || error.status >= 500) return -1
  let index = error.details.index
  for (let i = 0; i < batch.length; i++) {
    if (index < batch[i]!.inputs.length) return i
    index -= batch[i]!.inputs.length
  }
  return -1
}

/** The refusal as its own publish would have had it: the index within its own messages, or none for one message. */
function withoutIndex(error: ConduitError, own: Pending, batch: Pending[], at: number): ConduitError {
  const { index, ...details } = error.details
  let before = 0
  for (let i = 0; i < at; i++) before += batch[i]!.inputs.length
  const mine = own.inputs.length > 1 ? { ...details, index: (index as number) - before } : details
  return new ConduitError(error.code, error.message, { details: mine, cause: error.cause })
}

/** Serialized size of one message, near enough for the request bound (UTF-8 may be up to 3× this: still far below `maxRequestBytes`). */
function sizeOf(input: PublishInput): number {
  return (JSON.stringify(input.data)?.length ?? 4) + input.channel.length + input.topic.length + 96
}
