import { Writable } from "node:stream"
import { type Logger, pino } from "pino"

/** One log line as pino wrote it. */
export interface LogLine {
  level: number
  msg: string
  [field: string]: unknown
}

/** A pino logger (debug and up) whose lines a test can read back. */
export function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line) lines.push(JSON.parse(line) as LogLine)
      done()
    },
  })
  return { logger: pino({ level: "debug" }, sink), lines }
}
