// The demo backend's routes (gateway/src/demo): what an app's own server would offer.

export interface DemoRun {
  runId: string
  channel: string
}

async function post(path: string, body: unknown): Promise<Response> {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  })
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`)
  return response
}

async function postJson<T>(path: string, body: unknown): Promise<T> {
  return (await (await post(path, body)).json()) as T
}

/** Sends the demo function's event: a new pipeline run. */
export function startRun(): Promise<DemoRun> {
  return postJson<DemoRun>("/demo/runs", {})
}

/** A subscription token for one run's channel: the adapters call this before every connect. */
export async function fetchToken(runId: string): Promise<string> {
  const { token } = await postJson<{ token: string }>("/demo/token", { runId })
  return token
}

/** The reviewer's Approve / Reject: sends the event the run waits for. */
export async function reviewPost(postId: string, approved: boolean): Promise<void> {
  await post("/demo/review", { postId, approved })
}
