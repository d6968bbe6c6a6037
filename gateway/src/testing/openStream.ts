import { request, type IncomingHttpHeaders, type IncomingMessage } from "node:http"
import { POSITION_EVENT } from "@conduit/shared"

export interface TestEvent {
  id?: string
  event?: string
  data: string
}

/** A raw SSE stream for tests: exact bytes, parsed events, and waits with timeouts. */
export interface TestStream {
  status: number
  headers: IncomingHttpHeaders
  /** Every byte of the body so far, as text. */
  readonly raw: string
  /**
   * Dispatched events (comments dropped), except `$position`: every stream opens
   * with one, so it is kept apart (see `position`) and counts stay message counts.
   */
  readonly events: TestEvent[]
  /** The id of the stream's `$position` frame, once it arrived. */
  readonly position: string | undefined
  /** Events whose `event` does not start with `$`. */
  messages(): TestEvent[]
  /** Resolves once `predicate(events)` holds; rejects after `timeoutMs`. */
  waitFor(predicate: (events: TestEvent[]) => boolean, timeoutMs?: number): Promise<void>
  /** Resolves when the server ends the body. */
  ended: Promise<void>
  /** Stops reading without closing (for slow-consumer tests). */
  pause(): void
  close(): void
  response: IncomingMessage
}

/** Opens `GET url` and resolves once the response head arrived (any status). */
export function openStream(url: string, headers: Record<string, string> = {}): Promise<TestStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Accept: "text/event-stream", ...headers }, agent: false }, (res) => {
      let raw = ""
      let pending = ""
      let position: string | undefined
      const events: TestEvent[] = []
      const waiters = new Set<() => void>()
      res.setEncoding("utf8")
      res.on("data", (chunk: string) => {
        raw += chunk
        pending += chunk
        let cut: number
        while ((cut = pending.indexOf("\n\n")) !== -1) {
          const block = pending.slice(0, cut)
          pending = pending.slice(cut + 2)
          const ev: TestEvent = { data: "" }
          const data: string[] = []
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) continue
            const i = line.indexOf(":")
            const field = i === -1 ? line : line.slice(0, i)
            const value = i === -1 ? "" : line.slice(i + 1).replace(/^ /, "")
            if (field === "id") ev.id = value
            else if (field === "event") ev.event = value
            else if (field === "data") data.push(value)
          }
          if (data.length > 0 && ev.event === POSITION_EVENT) position = ev.id
          else if (data.length > 0) {
            ev.data = data.join("\n")
            events.push(ev)
          }
        }
        for (const w of waiters) w()
      })
      const ended = new Promise<void>((done) => {
        res.on("end", done)
        res.on("close", done)
        res.on("error", done)
      })
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        get raw() {
          return raw
        },
        events,
        get position() {
          return position
        },
        messages: () => events.filter((e) => !e.event?.startsWith("$")),
        waitFor(predicate, timeoutMs = 5000) {
          if (predicate(events)) return Promise.resolve()
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => {
              waiters.delete(check)
              fail(new Error(`timed out waiting; have ${events.length} events: ${raw.slice(-500)}`))
            }, timeoutMs)
            const check = () => {
              if (!predicate(events)) return
              clearTimeout(timer)
              waiters.delete(check)
              ok()
            }
            waiters.add(check)
          })
        },
        ended,
        pause: () => res.pause(),
        close: () => req.destroy(),
        response: res,
      })
    })
    req.on("error", reject)
    req.end()
  })
}

/** Reads a non-stream response fully (error bodies of /v1/subscribe, etc.). */
export async function readBody(stream: TestStream): Promise<string> {
  await stream.ended
  return stream.raw
}
