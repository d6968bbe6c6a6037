import { expect } from "@playwright/test"

/** A message as the gateway stores and sends it. */
export interface WireMessage {
  id: string
  channel: string
  topic: string
  data: unknown
  createdAt: string
  runId?: string
  /** On the messages of a stream (the demo's tokens): see StreamTag in @conduit/shared. */
  stream?: { id: string; take: string; seq: number; start?: true; end?: true; error?: { code: string; message: string } }
  kind: "data" | "run"
}

/** The token messages of a run: the token stream's chunks, not its start and end markers (data null). */
export function tokenMessages(history: WireMessage[]): WireMessage[] {
  return history.filter((m) => m.topic === "tokens" && m.data !== null)
}

/** The demo's channel for a run (gateway/src/demo). */
export function channelOf(runId: string): string {
  return `pipeline:${runId}`
}

/** Every retained message of a run's channel, from the gateway's history API (dev mode: no key). */
export async function historyOf(baseUrl: string, runId: string): Promise<WireMessage[]> {
  const response = await fetch(`${baseUrl}/v1/channels/${encodeURIComponent(channelOf(runId))}/history`)
  expect(response.status).toBe(200)
  const body = (await response.json()) as { messages: WireMessage[]; gap: unknown }
  return body.messages
}

/** Resolves once the run's `$run completed` is in history; returns the whole history. */
export async function waitForCompletion(baseUrl: string, runId: string, timeoutMs = 30_000): Promise<WireMessage[]> {
  let history: WireMessage[] = []
  await expect
    .poll(
      async () => {
        history = await historyOf(baseUrl, runId)
        return history.some((m) => m.topic === "$run" && (m.data as { status?: string }).status === "completed")
      },
      { timeout: timeoutMs, message: `run ${runId} did not complete` },
    )
    .toBe(true)
  return history
}

/** Starts a run through the demo API, as the page's button does. */
export async function startRunViaApi(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/demo/runs`, { method: "POST" })
  expect(response.status).toBe(201)
  const { runId } = (await response.json()) as { runId: string }
  return runId
}

/** Waits for the run's approval request in history and answers it through the demo API, as a panel's button does. */
export async function reviewViaApi(baseUrl: string, runId: string, approved: boolean): Promise<void> {
  let postId: string | undefined
  await expect
    .poll(async () => (postId = ((await historyOf(baseUrl, runId)).find((m) => m.topic === "approval")?.data as { postId?: string })?.postId), {
      timeout: 30_000,
      message: `run ${runId} did not ask for approval`,
    })
    .toBeDefined()
  const response = await fetch(`${baseUrl}/demo/review`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ postId, approved }),
  })
  expect(response.status).toBe(204)
}

/** A subscription token for a run's channel, from the demo API. */
export async function tokenFor(baseUrl: string, runId: string): Promise<string> {
  const response = await fetch(`${baseUrl}/demo/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ runId }),
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { token: string }).token
}

/** What the panels must show for a finished run, read from the gateway's own record of it. */
export function expectedFrom(history: WireMessage[]): { statuses: string[]; tokens: string[]; result: unknown } {
  const completed = history.find((m) => m.topic === "$run" && (m.data as { status?: string }).status === "completed")
  return {
    statuses: history.filter((m) => m.topic === "status").map((m) => (m.data as { message: string }).message),
    tokens: tokenMessages(history).map((m) => (m.data as { token: string }).token),
    result: (completed?.data as { result?: unknown } | undefined)?.result,
  }
}
