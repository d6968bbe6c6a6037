import { ReconnectSchedule, StreamRetry } from "@conduit/client"
import { assertChannelName, ConduitError, ErrorCode, isStartId, retryableCodes, sleep, START_ID } from "@conduit/shared"
import { createParser } from "eventsource-parser"
import { gatewayError } from "../sdk/publishTransport.ts"
import { CLIENT_HELP, type Command, gatewayUrl, URL_OPTION } from "./Command.ts"
import { createTailFormatter } from "./tailLine.ts"

export const tailCommand: Command = {
  name: "tail",
  summary: "watch a channel live: time, topic, data; $gap, $close and $run stand out",
  help: `conduit tail CHANNEL [--from all|none|ID] [--topics a,b] [--token T] [--url URL]

Prints every event of a channel's stream as it arrives, one line each: the
time the gateway accepted it, its topic, its data and its id. Control events
($gap, $close, $run, $error) are coloured. When the stream ends (the gateway
restarts, $close) it reconnects and resumes after the last id it saw (a
message's, or the stream's $position).
Ctrl-C stops it.

  --from all|none|ID   all: replay retained history first; none: only new
                       messages (default); ID: resume after that id
  --topics a,b         only these topics (default: all the credential grants)
  --token T            a subscription token (default: CONDUIT_SIGNING_KEY, or
                       nothing in dev mode)
${CLIENT_HELP}`,
  options: { ...URL_OPTION, from: { type: "string" }, topics: { type: "string" }, token: { type: "string" } },
  positionals: [1, 1],
  async run({ values, positionals }, io) {
    const channel = assertChannelName(positionals[0])
    const from = typeof values.from === "string" ? values.from : "none"
    let lastEventId = from === "all" ? START_ID : from === "none" ? undefined : from
    const credential = typeof values.token === "string" ? values.token : io.env.CONDUIT_SIGNING_KEY || undefined
    const base = gatewayUrl(values, io.env)
    const query = new URLSearchParams({ channel })
    if (typeof values.topics === "string") query.set("topics", values.topics)
    const url = `${base}/v1/subscribe?${query}`
    const format = createTailFormatter(io.color)
    const stopped = new AbortController()
    const stop = () => stopped.abort()
    process.once("SIGINT", stop)
    process.once("SIGTERM", stop)
    // The client's reconnect rules: the gateway's `retry:` is the base delay, a `$close` waits the
    // delay drawn from its reason's window. Failed connects retry at the base delay, not backing
    // off: a person watching wants the stream back within the second.
    const streamRetry = new StreamRetry()
    const schedule = new ReconnectSchedule({ maxMs: Number.POSITIVE_INFINITY, backoff: "constant" })
    let connectedOnce = false
    try {
      for (;;) {
        streamRetry.begin()
        let opened = false
        const end = await tailOnce({
          url,
          headers: {
            Accept: "text/event-stream",
            ...(credential ? { Authorization: `Bearer ${credential}` } : {}),
            ...(lastEventId === undefined ? {} : { "Last-Event-ID": lastEventId }),
          },
          signal: stopped.signal,
          onOpen() {
            connectedOnce = opened = true
            const replay = lastEventId !== undefined && isStartId(lastEventId) ? ", replaying history" : lastEventId ? `, resuming after ${lastEventId}` : ""
            io.stdout.write(format.meta(`connected to ${base}, channel ${channel}${replay}`))
          },
          onEvent(event, data, id) {
            streamRetry.event(event, data)
            if (id) lastEventId = id
            io.stdout.write(format.event(event, data))
          },
          onRetry: (ms) => streamRetry.retry(ms),
        })
        streamRetry.end()
        if (stopped.signal.aborted) return 0
        // Refusals a retry cannot fix end the command; a first connect that finds no gateway too.
        if (end && (!retryableCodes.has(end.code) || end.code === ErrorCode.TOKEN_EXPIRED || !connectedOnce)) throw end
        const { closeReason, closeRetryMs } = streamRetry
        const delayMs = schedule.next({ healthy: opened, quick: false, closeReason, closeRetryMs, retryAfterMs: 0 }, streamRetry.baseMs ?? 1000)
        io.stdout.write(format.meta(`${end ? end.message : "stream ended"}: reconnecting in ${delayMs} ms`))
        await sleep(delayMs, stopped.signal).done
        if (stopped.signal.aborted) return 0
      }
    } finally {
      process.off("SIGINT", stop)
      process.off("SIGTERM", stop)
    }
  },
}

interface TailOnce {
  url: string
  headers: Record<string, string>
  signal: AbortSignal
  onOpen(): void
  onEvent(event: string | undefined, data: string, id: string | undefined): void
  onRetry(ms: number): void
}

/** One connection: resolves when the stream ends (null) or with why it could not open or broke. */
async function tailOnce(args: TailOnce): Promise<ConduitError | null> {
  let response: Response
  try {
    response = await fetch(args.url, { headers: args.headers, signal: args.signal })
  } catch (error) {
    if (args.signal.aborted) return null
    return networkError(args.url, error)
  }
  if (!response.ok) return gatewayError(response.status, await response.text())
  args.onOpen()
  const parser = createParser({
    onEvent: (event) => args.onEvent(event.event, event.data, event.id),
    onRetry: args.onRetry,
  })
  const decoder = new TextDecoder()
  const reader = response.body!.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return null
      parser.feed(decoder.decode(value, { stream: true }))
    }
  } catch (error) {
    return args.signal.aborted ? null : networkError(args.url, error)
  }
}

function networkError(url: string, error: unknown): ConduitError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  const why = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))
  return new ConduitError(ErrorCode.NETWORK, `cannot reach the gateway at ${new URL(url).origin} (${why})`, { cause: error })
}
