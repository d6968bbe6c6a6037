import { expect, test } from "@playwright/test"
import { startCutProxy } from "./support/cutProxy.ts"
import { expectFinished, FRAMEWORKS, panel, review, startRun, tokensOf } from "./support/demoPage.ts"
import { DEMO_RUN } from "./support/demoRun.ts"
import { historyOf, tokenMessages, waitForCompletion } from "./support/runHistory.ts"
import { MAIN_PORT, MAIN_URL } from "./support/servers.ts"

test("a network cut mid-run: every panel ends with every token exactly once, in order", async ({ page, context }) => {
  // The page is loaded through a proxy whose TCP connections the test can reset.
  const proxy = await startCutProxy(MAIN_PORT)
  const resumes: Array<string | null> = []
  page.on("request", (r) => {
    const url = new URL(r.url())
    if (url.pathname === "/v1/subscribe") resumes.push(r.headers()["last-event-id"] ?? url.searchParams.get("lastEventId"))
  })
  try {
    await page.goto(`${proxy.url}/`)
    const runId = await startRun(page)
    await review(page, true)
    for (const framework of FRAMEWORKS) {
      await expect.poll(async () => (await tokensOf(page, framework)).length).toBeGreaterThanOrEqual(2)
    }

    // Outage: open streams are reset and new requests fail, in the browser and on the wire.
    await context.setOffline(true)
    proxy.cut()
    const cutAt = Date.now()
    const shownAtCut = await Promise.all(FRAMEWORKS.map(async (f) => (await tokensOf(page, f)).length))
    for (const framework of FRAMEWORKS) {
      await expect(panel(page, framework).getByTestId("connection")).not.toHaveText("open")
    }
    // The run goes on without them: wait until tokens were published that no panel received.
    await expect
      .poll(async () => tokenMessages(await historyOf(MAIN_URL, runId)).length)
      .toBeGreaterThan(Math.max(...shownAtCut) + 2)
    const restoredAt = Date.now()
    proxy.restore()
    await context.setOffline(false)

    await expectFinished(page, DEMO_RUN)
    // Back, then closed by the run's end (autoCloseOnTerminal).
    for (const framework of FRAMEWORKS) {
      await expect(panel(page, framework).getByTestId("connection")).toHaveText("closed")
    }
    // The cut really was mid-run: tokens were created while the panels were cut off.
    const history = await waitForCompletion(MAIN_URL, runId)
    const duringCut = tokenMessages(history).filter((m) => Date.parse(m.createdAt) >= cutAt && Date.parse(m.createdAt) <= restoredAt)
    expect(duringCut.length).toBeGreaterThan(0)
    expect(Math.max(...shownAtCut)).toBeLessThan(DEMO_RUN.tokens.length)
    // Each panel came back with a resume id (Last-Event-ID), not a fresh replay.
    const resumed = resumes.slice(3).filter((id) => id !== null && id !== "0")
    expect(resumed.length).toBeGreaterThanOrEqual(3)
  } finally {
    await context.setOffline(false)
    await proxy.close()
  }
})
