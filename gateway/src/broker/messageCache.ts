import { compareIds } from "@conduit/shared"
import type { StoredMessage } from "./Broker.ts"

/**
 * The stored messages of one channel this node has built, by id, so every
 * replay and live delivery of a message shares one object and one frame
 * (fifteen subscribers resuming the same history hold one copy of it, not
 * fifteen). Bounded like a channel's history, with slack: past twice the
 * bounds, the oldest go.
 */
export class MessageCache {
  private readonly byId = new Map<string, StoredMessage>()
  private bytes = 0

  constructor(
    private readonly maxCount: number,
    private readonly maxBytes: number,
  ) {}

  /** The one copy of message `id`, built by `make` when there is none yet. */
  intern(id: string, make: () => StoredMessage): StoredMessage {
    const known = this.byId.get(id)
    if (known) return known
    return this.add(make())
  }

  /** Keeps `message`, or answers the copy already kept under its id. */
  add(message: StoredMessage): StoredMessage {
    const known = this.byId.get(message.id)
    if (known) return known
    this.byId.set(message.id, message)
    this.bytes += message.frame.length
    if (this.byId.size > 2 * this.maxCount || this.bytes > 2 * this.maxBytes) this.prune()
    return message
  }

  private prune(): void {
    const ids = [...this.byId.keys()].sort(compareIds)
    let count = 0
    let bytes = 0
    let keepFrom = ids.length
    while (keepFrom > 0 && count < this.maxCount) {
      const size = this.byId.get(ids[keepFrom - 1]!)!.frame.length
      if (bytes + size > this.maxBytes && count > 0) break
      keepFrom--
      count++
      bytes += size
    }
    for (let i = 0; i < keepFrom; i++) this.byId.delete(ids[i]!)
    this.bytes = bytes
  }
}
