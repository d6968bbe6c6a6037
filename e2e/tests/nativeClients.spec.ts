import { expect, test } from "@playwright/test"
import { DEMO_RUN } from "./support/demoRun.ts"
import { channelOf, expectedFrom, reviewViaApi, startRunViaApi, tokenFor, waitForCompletion } from "./support/runHistory.ts"
import { MAIN_URL } from "./support/servers.ts"
import { parseSse, type SseEvent, spawnCurl } from "./support/sse.ts"

test("the browser's native EventSource and curl -N receive the same frames", async ({ page }) => {
  await page.goto("/")
  const runId = await startRunViaApi(MAIN_URL)
  const token = await tokenFor(MAIN_URL, runId)
  const path = `/v1/subscribe?channel=${encodeURIComponent(channelOf(runId))}&lastEventId=0&token=${encodeURIComponent(token)}`
  const curl = spawnCurl(`${MAIN_URL}${path}`)
  // The run waits for its approval while both clients stream: approve it alongside.
  const reviewed = reviewViaApi(MAIN_URL, runId, true)
  try {
    const fromEventSource = await page.evaluate(
      (url) =>
        new Promise<SseEvent[]>((resolve, reject) => {
          const source = new EventSource(url)
          const events: SseEvent[] = []
          source.onerror = () => reject(new Error(`EventSource failed (readyState ${source.readyState})`))
          for (const type of ["status", "tokens", "result", "approval", "$run", "$gap", "$position", "$error", "$close", "message"]) {
            source.addEventListener(type, (e) => {
              const { lastEventId, data } = e as MessageEvent<string>
              events.push({ event: type, id: lastEventId, data })
              if (type === "$run" && (JSON.parse(data) as { data: { status: string } }).data.status === "completed") {
                source.close()
                resolve(events)
              }
            })
          }
        }),
      path,
    )
    await reviewed
    const printed = await curl.until(/"status":"completed"[^\n]*\n\n/)
    expect(curl.running).toBe(true) // it was still streaming: the test ends it, not the gateway
    expect(printed.startsWith("retry: ")).toBe(true)

    const fromCurl = parseSse(printed)
    expect(fromCurl).toEqual(fromEventSource)

    // Both are exactly the run as the gateway recorded it (then the stream's position), and that is the demo's output.
    const history = await waitForCompletion(MAIN_URL, runId)
    const messages = fromCurl.filter((e) => e.event !== "$position")
    expect(messages.map((e) => ({ event: e.event, id: e.id, message: JSON.parse(e.data) as unknown }))).toEqual(
      history.map((m) => ({ event: m.topic, id: m.id, message: m })),
    )
    expect(expectedFrom(history)).toEqual(DEMO_RUN)
  } finally {
    await curl.kill()
  }
})
