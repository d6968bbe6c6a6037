import { spawn } from "node:child_process"

/** One SSE event as a client sees it: the event name, its id and the raw data. */
export interface SseEvent {
  event: string
  id: string
  data: string
}

/**
 * Parses an SSE byte stream (as curl prints it) into events: fields per
 * the spec, `data` lines joined by LF, comments and `retry:` skipped, an
 * event dispatched at each blank line.
 */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = []
  let event = ""
  let id = ""
  let data: string[] = []
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === "") {
      if (data.length > 0) events.push({ event: event || "message", id, data: data.join("\n") })
      event = ""
      data = []
      continue
    }
    if (line.startsWith(":")) continue
    const colon = line.indexOf(":")
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? "" : line.slice(colon + 1)
    if (value.startsWith(" ")) value = value.slice(1)
    if (field === "event") event = value
    else if (field === "data") data.push(value)
    else if (field === "id") id = value
  }
  return events
}

/** `curl -N <url>` in a child process: its stdout so far, a wait for some output, and a kill. */
export function spawnCurl(url: string) {
  const child = spawn("curl", ["-N", "-s", "-S", url], { stdio: ["ignore", "pipe", "pipe"] })
  let stdout = ""
  let stderr = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  return {
    /** Resolves with everything printed once `pattern` appears; rejects if curl exits or time runs out first. */
    async until(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
      const deadline = Date.now() + timeoutMs
      while (!pattern.test(stdout)) {
        if (child.exitCode !== null) throw new Error(`curl exited ${child.exitCode}: ${stderr}${stdout}`)
        if (Date.now() > deadline) throw new Error(`curl printed no ${pattern} within ${timeoutMs} ms:\n${stdout}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      return stdout
    },
    /** Still streaming (a stream never ends by itself: the test ends it). */
    get running() {
      return child.exitCode === null && child.signalCode === null
    },
    kill(): Promise<number | null> {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM")
      return exited
    },
  }
}
