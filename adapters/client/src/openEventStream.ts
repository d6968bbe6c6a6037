import { ConduitError, ErrorCode } from "@conduit/shared"
import { createParser, type EventSourceMessage } from "eventsource-parser"
import type { ReadGate } from "./readGate.ts"
import { responseError } from "./responseError.ts"

export interface OpenEventStreamArgs {
  url: string
  headers: Record<string, string>
  fetch: typeof fetch
  /** Aborting it ends the attempt with `{ kind: "aborted" }`. */
  signal: AbortSignal
  /** No byte for this long ends the attempt with `ERR_TIMEOUT` (not counted while the gate is held). */
  inactivityMs: number
  /** While held, the body is not read: backpressure reaches the gateway. */
  gate: ReadGate
  /** A 200 `text/event-stream` answer's first bytes were read (and parsed: a `$close` in them is known). */
  onOpen(): void
  onEvent(event: EventSourceMessage): void
  onRetry(ms: number): void
}

/** How one connection attempt ended. */
export type StreamEnd =
  | { kind: "ended" }
  | { kind: "aborted" }
  | { kind: "failed"; error: ConduitError }

/**
 * One connection attempt: `fetch` the stream, parse it with
 * eventsource-parser, resolve when it ends. Never rejects. Works the same in
 * browsers and Node 20 (WHATWG fetch and streams in both).
 */
export async function openEventStream(args: OpenEventStreamArgs): Promise<StreamEnd> {
  const controller = new AbortController()
  let timedOut = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const arm = () => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, args.inactivityMs)
  }
  const forward = () => controller.abort()
  if (args.signal.aborted) return { kind: "aborted" }
  args.signal.addEventListener("abort", forward)
  arm()
  try {
    const response = await args.fetch(args.url, {
      headers: { Accept: "text/event-stream", ...args.headers },
      cache: "no-store",
      signal: controller.signal,
    })
    if (!response.ok) return { kind: "failed", error: await responseError(response) }
    const type = response.headers.get("content-type") ?? ""
    if (!type.startsWith("text/event-stream") || !response.body) {
      await response.body?.cancel()
      return { kind: "failed", error: new ConduitError(ErrorCode.PROTOCOL, `expected text/event-stream, got "${type}"`) }
    }
    const parser = createParser({ onEvent: args.onEvent, onRetry: args.onRetry })
    const decoder = new TextDecoder()
    const reader = response.body.getReader()
    let opened = false
    for (;;) {
      // Let what this chunk changed reach the listeners first: a full iterator holds the gate.
      await Promise.resolve()
      if (args.gate.held) {
        clearTimeout(timer) // a slow reader is not a dead stream
        await args.gate.whenOpen(controller.signal)
        if (controller.signal.aborted) break
        arm()
      }
      const { done, value } = await reader.read()
      if (done) break
      arm()
      parser.feed(decoder.decode(value, { stream: true }))
      if (!opened) {
        opened = true
        args.onOpen()
      }
      if (controller.signal.aborted) break
    }
    return args.signal.aborted ? { kind: "aborted" } : { kind: "ended" }
  } catch (cause) {
    if (timedOut) {
      return { kind: "failed", error: new ConduitError(ErrorCode.TIMEOUT, `no data or heartbeat for ${args.inactivityMs} ms`) }
    }
    if (args.signal.aborted) return { kind: "aborted" }
    const message = cause instanceof Error ? cause.message : String(cause)
    return { kind: "failed", error: new ConduitError(ErrorCode.NETWORK, `stream failed: ${message}`, { cause }) }
  } finally {
    clearTimeout(timer)
    args.signal.removeEventListener("abort", forward)
    controller.abort()
  }
}
