import { mkdirSync } from "node:fs"
import { expect, test } from "@playwright/test"
import { expectFinished, FRAMEWORKS, panel, review, startRun } from "./support/demoPage.ts"
import { DEMO_RUN } from "./support/demoRun.ts"
import { expectedFrom, waitForCompletion } from "./support/runHistory.ts"
import { MAIN_URL } from "./support/servers.ts"

declare global {
  interface Window {
    /** Token counts each panel went through, recorded by a MutationObserver. */
    tokenCounts?: Record<string, number[]>
  }
}

test("each panel streams every token live, then shows the result and completed", async ({ page }, testInfo) => {
  await page.goto("/")
  await page.evaluate((frameworks) => {
    const counts: Record<string, number[]> = Object.fromEntries(frameworks.map((f) => [f, [0]]))
    window.tokenCounts = counts
    new MutationObserver(() => {
      for (const f of frameworks) {
        const n = document.querySelectorAll(`[data-testid=panel-${f}] [data-testid=token]`).length
        if (counts[f]!.at(-1) !== n) counts[f]!.push(n)
      }
    }).observe(document.body, { subtree: true, childList: true })
  }, [...FRAMEWORKS])

  const runId = await startRun(page)
  for (const framework of FRAMEWORKS) {
    await expect(panel(page, framework).getByTestId("connection")).toHaveText("open")
  }
  await review(page, true)
  await expectFinished(page, DEMO_RUN)
  // The page shows what the gateway recorded for the run, and that is the demo function's output.
  expect(expectedFrom(await waitForCompletion(MAIN_URL, runId))).toEqual(DEMO_RUN)

  // Streamed, not dumped at the end: every panel grew token by token, never shrank or reordered.
  const counts = (await page.evaluate(() => window.tokenCounts))!
  for (const framework of FRAMEWORKS) {
    const seen = counts[framework]!
    expect(seen, `${framework} token counts`).toEqual([...seen].sort((a, b) => a - b))
    expect(seen.at(-1)).toBe(DEMO_RUN.tokens.length)
    const partial = seen.filter((n) => n > 0 && n < DEMO_RUN.tokens.length)
    expect(partial.length, `${framework} showed partial output ${seen.join(",")}`).toBeGreaterThanOrEqual(3)
  }

  mkdirSync("e2e/artifacts", { recursive: true })
  const shot = await page.screenshot({ path: "e2e/artifacts/demo-finished.png", fullPage: true })
  await testInfo.attach("demo-finished", { body: shot, contentType: "image/png" })
})

test("one connection and one token per panel, React Strict Mode included", async ({ page }) => {
  const subscribes: string[] = []
  const tokens: string[] = []
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname
    if (path === "/v1/subscribe") subscribes.push(r.url())
    if (path === "/demo/token") tokens.push(r.url())
  })
  await page.goto("/")
  await startRun(page)
  await review(page, true)
  await expectFinished(page, DEMO_RUN)
  expect(tokens).toHaveLength(3)
  expect(subscribes).toHaveLength(3)
})
