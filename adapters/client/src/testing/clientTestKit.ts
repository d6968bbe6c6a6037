import type { RunningGateway } from "../../../../gateway/src/testing/startGateway.ts"
import type { RealtimeSubscription, Snapshot } from "../types.ts"

export { startGateway, type RunningGateway } from "../../../../gateway/src/testing/startGateway.ts"

/** Resolves with the first snapshot that satisfies `predicate`; rejects with the last one after `timeoutMs`. */
export function waitForSnapshot<M>(
  subscription: RealtimeSubscription<M>,
  predicate: (snapshot: Snapshot<M>) => boolean,
  timeoutMs = 10_000,
): Promise<Snapshot<M>> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const snapshot = subscription.getSnapshot()
      if (!predicate(snapshot)) return false
      clearTimeout(timer)
      stop()
      resolve(snapshot)
      return true
    }
    const stop = subscription.subscribe(() => void check())
    const timer = setTimeout(() => {
      stop()
      const { messages, ...rest } = subscription.getSnapshot()
      reject(new Error(`snapshot never matched; last: ${JSON.stringify({ ...rest, messages: messages.all.length })}`))
    }, timeoutMs)
    check()
  })
}

/** The real `fetch`, recording each request's URL and abort signal. */
export function countingFetch(): typeof fetch & { calls: string[]; signals: AbortSignal[] } {
  const calls: string[] = []
  const signals: AbortSignal[] = []
  const wrapped = ((input: RequestInfo | URL, init?: RequestInit) => {
    calls.push(String(input))
    if (init?.signal) signals.push(init.signal)
    return fetch(input, init)
  }) as typeof fetch & { calls: string[]; signals: AbortSignal[] }
  wrapped.calls = calls
  wrapped.signals = signals
  return wrapped
}

/** Publishes `data` values in order to `channel`/`topic` through the HTTP API. */
export async function publishAll(gw: RunningGateway, channel: string, topic: string, values: readonly unknown[], key?: string): Promise<string[]> {
  const headers: Record<string, string> = key ? { Authorization: `Bearer ${key}` } : {}
  const res = await gw.post("/v1/publish", { messages: values.map((data) => ({ channel, topic, data })) }, headers)
  if (res.status !== 202) throw new Error(`publish answered ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body.ids
}

/** Open streams on the gateway, read from its `conduit_connections` gauge. */
export async function openConnections(gw: RunningGateway): Promise<number> {
  const { text } = await gw.get("/metrics")
  const line = text.split("\n").find((l) => l.startsWith("conduit_connections "))
  return Number(line?.split(" ")[1] ?? Number.NaN)
}

/** Polls `condition` until it holds (real time, no fake timers involved). */
export async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error("condition never held")
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
