import { expect, test } from "@playwright/test"
import { SAMPLES_URL } from "./support/servers.ts"

// The client components of the two Inngest Realtime documents (e2e/samples/v4 and
// v3, "use client" modules with only their imports changed) rendered by a Vite
// build in Chromium, their "use server" imports calling the sample server.

async function post(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${SAMPLES_URL}${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
  expect(res.status, await res.clone().text()).toBe(202)
}

test("v4: useRealtime with a token from getRealtimeToken(runId), no url: the run's status, its end, and the close", async ({ page }) => {
  const runId = `pw-${Date.now()}-${test.info().workerIndex}`
  await page.goto(`${SAMPLES_URL}/?sample=v4&runId=${runId}`)
  const sample = page.getByTestId("sample")
  await expect(sample.getByText("Connection: open")).toBeVisible()
  await expect(sample.getByText("Run: unknown")).toBeVisible()
  await post("/test/send", { name: "app/generate-post", data: { runId } })
  await expect(sample.getByText("Status: Done")).toBeVisible()
  await expect(sample.getByText("Run: completed")).toBeVisible()
  // autoCloseOnTerminal (Inngest's default, and ours): the stream closes at the run's end.
  await expect(sample.getByText("Connection: closed")).toBeVisible()
})

test("v3: useInngestSubscription({ refreshToken }) shows the signed-in user's messages, replayed then live, nobody else's", async ({ page, context }) => {
  const user = `pw${Date.now()}${test.info().workerIndex}`
  await context.addCookies([{ name: "session", value: user, url: SAMPLES_URL }])
  await post("/test/publish", { channel: `user:${user}`, topic: "ai", data: "hello" })
  await post("/test/publish", { channel: `user:${user}`, topic: "ai", data: "world" })
  await post("/test/publish", { channel: `user:someone-else`, topic: "ai", data: "not yours" })
  await page.goto(`${SAMPLES_URL}/?sample=v3`)
  const lines = page.getByTestId("sample").locator("div > div")
  await expect(lines).toHaveText(["hello", "world"])
  await post("/test/publish", { channel: `user:${user}`, topic: "ai", data: "live" })
  await expect(lines).toHaveText(["hello", "world", "live"])
})
