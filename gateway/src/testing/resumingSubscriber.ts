import { type ClientRequest, request } from "node:http"

/** A `$gap` the subscriber was sent, and how many ids it had received before it. */
export interface ReceivedGap {
  lastEventId: string
  oldest: string | null
  afterIds: number
}

const FRAME_LINE = /^(id|event|data): (.*)$/gm

/**
 * A raw SSE subscriber that reconnects by itself with `Last-Event-ID`, to the
 * next node of `urls` when one refuses or dies. It keeps every data frame's id
 * as received (no dedupe), so a test can prove the gateway sent each message
 * exactly once, and every `$gap` it was told of. `cut()` drops the connection
 * the way a network does.
 */
export class ResumingSubscriber {
  readonly ids: string[] = []
  readonly gaps: ReceivedGap[] = []
  reconnects = 0
  private req: ClientRequest | null = null
  private closed = false
  private node = 0
  private waiter: { n: number; done: () => void } | null = null

  constructor(
    private readonly urls: readonly string[],
    private readonly channel: string,
  ) {
    this.connect()
  }

  cut(): void {
    this.req?.destroy()
  }

  close(): void {
    this.closed = true
    this.req?.destroy()
  }

  waitFor(n: number, timeoutMs = 60_000): Promise<void> {
    if (this.ids.length >= n) return Promise.resolve()
    return new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`got ${this.ids.length} of ${n} frames`)), timeoutMs)
      this.waiter = { n, done: () => (clearTimeout(timer), (this.waiter = null), ok()) }
    })
  }

  private take(frame: string): void {
    let id: string | undefined
    let event = ""
    let data = ""
    for (const [, field, value] of frame.matchAll(FRAME_LINE)) {
      if (field === "id") id = value!
      else if (field === "event") event = value!
      else data = value!
    }
    // The `$position` every stream opens with carries an id that is a position, not a message's.
    if (id !== undefined && event !== "$position") this.ids.push(id)
    if (event !== "$gap") return
    const gap = JSON.parse(data) as { lastEventId: string; oldest: string | null }
    this.gaps.push({ ...gap, afterIds: this.ids.length })
  }

  private connect(): void {
    if (this.closed) return
    const url = `${this.urls[this.node % this.urls.length]}/v1/subscribe?channel=${encodeURIComponent(this.channel)}&lastEventId=0`
    const last = this.ids.at(-1)
    let tail = ""
    let retried = false
    const retry = () => {
      if (retried || this.closed) return
      retried = true
      this.reconnects++
      this.node++ // try the next node; a healthy one comes back round
      setTimeout(() => this.connect(), 10 + Math.random() * 40)
    }
    const req = request(url, { headers: { Accept: "text/event-stream", ...(last ? { "Last-Event-ID": last } : {}) }, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume()
        return retry()
      }
      res.setEncoding("utf8")
      res.on("data", (chunk: string) => {
        const text = tail + chunk
        const cut = text.lastIndexOf("\n\n") + 2
        tail = text.slice(cut)
        for (const frame of text.slice(0, cut).split("\n\n")) this.take(frame)
        if (this.waiter && this.ids.length >= this.waiter.n) this.waiter.done()
      })
      res.on("close", retry)
      res.on("error", retry)
    })
    req.on("error", retry)
    req.on("close", () => {
      if (!req.writableFinished) retry()
    })
    req.end()
    this.req = req
  }
}
