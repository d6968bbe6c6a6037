import type { StoredMessage } from "./Broker.ts"
import { storeMessage } from "./storedMessage.ts"

// Redis assigns the id, so each node builds the stored message from the
// parts Redis holds: topic, envelope tail (`envelopeTail`) and data.

/** A stream entry as XRANGE returns it: `[id, [field, value, …]]`. */
export type StreamEntry = [string, string[]]

export function messageOfEntry(channelJson: string, [id, fields]: StreamEntry): StoredMessage {
  let topic = ""
  let tail = ""
  let data = "null"
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const value = fields[i + 1]!
    if (fields[i] === "t") topic = value
    else if (fields[i] === "e") tail = value
    else if (fields[i] === "d") data = value
  }
  return storeMessage(id, channelJson, topic, data, tail)
}

/** Parses a live payload: 4 lines per message (id, topic, tail, data), as the publish script joins them. */
export function messagesOfLive(channelJson: string, payload: string): StoredMessage[] {
  const out: StoredMessage[] = []
  let at = 0
  while (at < payload.length) {
    const a = payload.indexOf("\n", at)
    const b = payload.indexOf("\n", a + 1)
    const c = payload.indexOf("\n", b + 1)
    if (a === -1 || b === -1 || c === -1) break
    let end = payload.indexOf("\n", c + 1)
    if (end === -1) end = payload.length
    out.push(storeMessage(payload.slice(at, a), channelJson, payload.slice(a + 1, b), payload.slice(c + 1, end), payload.slice(b + 1, c)))
    at = end + 1
  }
  return out
}
