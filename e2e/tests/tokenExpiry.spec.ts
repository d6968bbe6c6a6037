import { expect, test } from "@playwright/test"
import { expectFinished, review, startRun } from "./support/demoPage.ts"
import { DEMO_RUN } from "./support/demoRun.ts"
import { EXPIRY_URL } from "./support/servers.ts"

// This gateway ends every stream at its token's expiry ($close token_expired)
// and the demo mints tokens that live SHORT_TOKEN_TTL_SECONDS; its tokens stream slowly
// (EXPIRY_TOKEN_DELAY_MS each), so a run outlives several tokens.
test.use({ baseURL: EXPIRY_URL })

test("an expired token is refreshed by the factory and the stream resumes without loss", async ({ page }) => {
  const tokenRequests: number[] = []
  const subscribes: Array<{ at: number; resumeFrom: string | null }> = []
  page.on("request", (r) => {
    const url = new URL(r.url())
    if (url.pathname === "/demo/token") tokenRequests.push(Date.now())
    if (url.pathname === "/v1/subscribe") {
      subscribes.push({ at: Date.now(), resumeFrom: r.headers()["last-event-id"] ?? url.searchParams.get("lastEventId") })
    }
  })
  await page.goto("/")
  await startRun(page)
  await review(page, true)
  await expectFinished(page, DEMO_RUN)

  // Every stream was cut at expiry at least once; each reconnect fetched a fresh token first and resumed.
  expect(subscribes.length).toBeGreaterThanOrEqual(6)
  expect(tokenRequests.length).toBe(subscribes.length)
  const resumed = subscribes.slice(3).filter((s) => s.resumeFrom !== null && s.resumeFrom !== "0")
  expect(resumed).toHaveLength(subscribes.length - 3)
})
