import type { PreparedMessage } from "./Broker.ts"

/** This node's publishes that a relaying broker sent and has not had answered, by channel. */
export interface PublishesInFlight {
  /** Records a publish; returns what to call once it is answered (or failed). */
  start(messages: readonly PreparedMessage[]): () => void
  /** `Broker.whenPublished`: waits for the channel's publishes in flight now, not for later ones. */
  whenPublished(channel: string, done: () => void): boolean
}

interface ChannelFlights {
  /** Sequence numbers of the publishes in flight, oldest first (a Set keeps insertion order). */
  readonly open: Set<number>
  /** Each waiter, released once every publish up to `through` is answered. */
  waiters: { through: number; done: () => void }[]
}

export function createPublishesInFlight(): PublishesInFlight {
  const byChannel = new Map<string, ChannelFlights>()
  let seq = 0

  function settle(channel: string, n: number): void {
    const flights = byChannel.get(channel)!
    flights.open.delete(n)
    const oldest = flights.open.values().next().value ?? Infinity
    if (flights.open.size === 0) byChannel.delete(channel)
    if (flights.waiters.length === 0 || flights.waiters[0]!.through >= oldest) return
    const released = flights.waiters.filter((w) => w.through < oldest)
    flights.waiters = flights.waiters.filter((w) => w.through >= oldest)
    for (const w of released) w.done()
  }

  return {
    start(messages) {
      const n = ++seq
      const channels = new Set(messages.map((m) => m.channel))
      for (const channel of channels) {
        let flights = byChannel.get(channel)
        if (!flights) byChannel.set(channel, (flights = { open: new Set(), waiters: [] }))
        flights.open.add(n)
      }
      return () => {
        for (const channel of channels) settle(channel, n)
      }
    },
    whenPublished(channel, done) {
      const flights = byChannel.get(channel)
      if (!flights) return false
      flights.waiters.push({ through: seq, done })
      return true
    },
  }
}
