import { request } from "node:http"
import { pushMessageIds } from "./pushMessageIds.ts"

/**
 * A light SSE subscriber for load tests: keeps only the ids of data frames
 * (no per-event objects), so a test process can hold a thousand of them.
 */
export interface CountingSubscriber {
  readonly ids: string[]
  /** Resolves once `n` data frames arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<void>
  close(): void
}

export function openCountingSubscriber(url: string, headers: Record<string, string> = {}): Promise<CountingSubscriber> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Accept: "text/event-stream", ...headers }, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`subscribe answered ${res.statusCode}`))
      const ids: string[] = []
      let tail = ""
      let waiter: { n: number; done: () => void } | null = null
      res.setEncoding("utf8")
      res.on("data", (chunk: string) => {
        const text = tail + chunk
        const cut = text.lastIndexOf("\n\n") + 2 // only whole frames
        tail = text.slice(cut)
        pushMessageIds(text.slice(0, cut), ids)
        if (waiter && ids.length >= waiter.n) waiter.done()
      })
      resolve({
        ids,
        waitFor(n, timeoutMs = 60_000) {
          if (ids.length >= n) return Promise.resolve()
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error(`got ${ids.length} of ${n} frames`)), timeoutMs)
            waiter = { n, done: () => (clearTimeout(timer), (waiter = null), ok()) }
          })
        },
        close: () => req.destroy(),
      })
    })
    req.on("error", reject)
    req.end()
  })
}
