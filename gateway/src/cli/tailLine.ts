import { styleText } from "node:util"
import { CLOSE_EVENT, ERROR_EVENT, GAP_EVENT, parseJson, POSITION_EVENT, RUN_EVENT } from "@conduit/shared"

type Style = Parameters<typeof styleText>[0]

/** Colours of `conduit tail`: control events stand out, bookkeeping fades. */
const STYLES: Record<string, Style> = {
  time: "dim",
  id: "dim",
  topic: "cyan",
  meta: "dim",
  [GAP_EVENT]: ["yellow", "bold"],
  [CLOSE_EVENT]: ["red", "bold"],
  [ERROR_EVENT]: ["red", "bold"],
  [RUN_EVENT]: ["magenta", "bold"],
}

const TOPIC_WIDTH = 10

/** Formats the lines of `conduit tail`; `color: false` gives plain text (pipes, NO_COLOR, tests). */
export function createTailFormatter(color: boolean) {
  const paint = (kind: string, text: string): string => (color ? styleText(STYLES[kind] ?? "reset", text, { validateStream: false }) : text)
  const line = (at: Date, label: string, style: string, text: string, id?: string): string =>
    `${paint("time", clock(at))}  ${paint(style, label.padEnd(TOPIC_WIDTH))} ${text}${id ? `  ${paint("id", id)}` : ""}\n`
  return {
    /** One SSE event as the gateway sent it (`event` is the topic or a `$` control event). */
    event(event: string | undefined, data: string, receivedAt: Date = new Date()): string {
      const parsed = parseJson(data) as Record<string, any> | undefined
      switch (event) {
        case GAP_EVENT:
          return line(receivedAt, event, event, `messages after ${parsed?.lastEventId} are gone; oldest retained: ${parsed?.oldest ?? "none"}`)
        case CLOSE_EVENT:
          return line(receivedAt, event, event, `${parsed?.reason ?? data}: the gateway ends the stream`)
        case ERROR_EVENT:
          return line(receivedAt, event, event, `${parsed?.code}: ${parsed?.message}`)
        case POSITION_EVENT:
          return line(receivedAt, event, "meta", `live from here; a reconnect resumes after ${parsed?.lastEventId}`)
      }
      // Topic messages and $run carry the envelope: show when the gateway accepted it, and its id.
      const at = typeof parsed?.createdAt === "string" ? new Date(parsed.createdAt) : receivedAt
      const run = typeof parsed?.runId === "string" ? `run ${parsed.runId}  ` : ""
      if (event === RUN_EVENT) {
        const { status, ...rest } = (parsed?.data ?? {}) as Record<string, unknown>
        const more = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : ""
        return line(at, event, event, `${run}${String(status)}${more}`, parsed?.id)
      }
      const body = parsed && "data" in parsed ? JSON.stringify(parsed.data) : data
      return line(at, event ?? "message", "topic", `${run}${body}`, parsed?.id)
    },
    /** A line about the connection itself (connected, reconnecting). */
    meta(text: string, at: Date = new Date()): string {
      return `${paint("time", clock(at))}  ${paint("meta", `· ${text}`)}\n`
    },
  }
}

/** Local wall-clock time with milliseconds: 14:03:07.125. */
function clock(at: Date): string {
  const two = (n: number) => String(n).padStart(2, "0")
  return `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}.${String(at.getMilliseconds()).padStart(3, "0")}`
}
