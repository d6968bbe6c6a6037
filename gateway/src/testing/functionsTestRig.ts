import { channel } from "@conduit/shared"
import { z } from "zod"
import { Conduit, type ConduitOptions } from "../sdk/Conduit.ts"
import { openStream, type TestEvent, type TestStream } from "./openStream.ts"
import { type RunningGateway, startGateway } from "./startGateway.ts"
import type { FunctionsRuntimeOptions } from "../functions/createFunctionsRuntime.ts"

// Test support for the functions tests: not exported from the package.

export const KEY = "k".repeat(32)
export type Transport = "in-process" | "http"

export const pipeline = channel({
  name: "pipeline:{key}",
  topics: {
    status: { schema: z.object({ message: z.string() }) },
    tokens: { schema: z.object({ token: z.string() }) },
  },
})

export interface Rig {
  gw: RunningGateway
  conduit: Conduit
  /** Opens `/v1/subscribe` on a channel with the signing key; `lastEventId: "0"` replays history. */
  subscribe(channelName: string, lastEventId?: string): Promise<TestStream>
  close(): Promise<void>
}

/** A real gateway on loopback and a `Conduit` reaching it in-process or over HTTP; retries without delay. */
export async function startRig(
  transport: Transport,
  functions: FunctionsRuntimeOptions = {},
  extra: Partial<ConduitOptions> = {},
): Promise<Rig> {
  const gw = await startGateway({ signingKey: KEY })
  const options = { functions: { retryDelay: () => 0, onError: () => {}, ...functions }, ...extra }
  const conduit =
    transport === "http" ? new Conduit({ url: gw.url, signingKey: KEY, ...options }) : new Conduit({ gateway: gw.gateway, ...options })
  const streams: TestStream[] = []
  return {
    gw,
    conduit,
    async subscribe(channelName, lastEventId) {
      const query = `channel=${encodeURIComponent(channelName)}${lastEventId === undefined ? "" : `&lastEventId=${lastEventId}`}`
      const stream = await openStream(`${gw.url}/v1/subscribe?${query}`, { Authorization: `Bearer ${KEY}` })
      if (stream.status !== 200) throw new Error(`subscribe answered ${stream.status}`)
      streams.push(stream)
      return stream
    },
    async close() {
      for (const s of streams) s.close()
      await gw.close()
    },
  }
}

/**
 * One short line per event, for exact sequence assertions:
 * `$run running 1`, `$run completed`, `status hello`, `tokens a`; a
 * stream's markers (data null) as `tokens [start]`, `tokens [end]`, `tokens [error]`.
 */
export function labels(events: readonly TestEvent[]): string[] {
  return events.map((e) => {
    const env = JSON.parse(e.data) as { topic: string; data: Record<string, unknown> | null; stream?: { start?: true; end?: true } }
    if (e.event === "$run") {
      const { status, attempt } = env.data as { status: string; attempt?: number }
      return status === "running" ? `$run running ${attempt}` : `$run ${status}`
    }
    if (env.data === null && env.stream) return `${env.topic} [${env.stream.start ? "start" : env.stream.end ? "end" : "error"}]`
    return `${env.topic} ${Object.values(env.data ?? {}).join(",")}`
  })
}

/** The parsed envelopes of a stream's events. */
export function envelopes(events: readonly TestEvent[]): Array<{ id: string; topic: string; data: any; runId?: string; kind: string }> {
  return events.map((e) => JSON.parse(e.data))
}

/** Waits until a `$run` event with a terminal status arrived. */
export function waitForTerminal(stream: TestStream, timeoutMs?: number): Promise<void> {
  return stream.waitFor((events) => labels(events).some((l) => /^\$run (completed|failed|cancelled)$/.test(l)), timeoutMs)
}

/** A promise with its resolve function outside, to hold a handler at a point. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void
  const promise = new Promise<void>((resolve) => (open = resolve))
  return { promise, open }
}
