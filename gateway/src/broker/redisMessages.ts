import type { Envelope } from "@conduit/shared"
import type { StoredMessage } from "./Broker.ts"

// Redis assigns the id, so the envelope JSON (which starts with it) is
// assembled by each node from the parts that do not depend on it. Same bytes
// and key order as `envelopeJson`.

/** The envelope after `createdAt`: `,"runId":…,"kind":"…"}`. Never holds a raw newline. */
export function envelopeTail(runId: string | undefined, kind: Envelope["kind"]): string {
  return `${runId === undefined ? "" : `,"runId":${JSON.stringify(runId)}`},"kind":"${kind}"}`
}

/** The stored message for an id and its parts; `createdAt` is the id's time (Redis's clock). */
export function storedMessage(channelJson: string, id: string, topic: string, tail: string, dataJson: string): StoredMessage {
  const createdAt = new Date(Number(id.slice(0, id.indexOf("-")))).toISOString()
  const json = `{"id":"${id}","channel":${channelJson},"topic":${JSON.stringify(topic)},"data":${dataJson},"createdAt":"${createdAt}"${tail}`
  return { id, topic, json }
}

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
  return storedMessage(channelJson, id, topic, tail, data)
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
    out.push(storedMessage(channelJson, payload.slice(at, a), payload.slice(a + 1, b), payload.slice(b + 1, c), payload.slice(c + 1, end)))
    at = end + 1
  }
  return out
}
