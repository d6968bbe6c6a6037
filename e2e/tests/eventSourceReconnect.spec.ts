import { expect, type Page, test } from "@playwright/test"
import { startRedis } from "../../gateway/src/testing/redisServer.ts"
import { startGateway } from "../../gateway/src/testing/startGateway.ts"
import { startCutProxy } from "./support/cutProxy.ts"
import { MAIN_PORT, MAIN_URL } from "./support/servers.ts"

/** What a page-side native EventSource saw; kept on `window.seen` by `watch`. */
interface Seen {
  opens: number
  errors: number
  readyState: number
  positions: string[]
  messages: string[]
}

/** Opens a native EventSource on `path` in the page and records what it sees. */
async function watch(page: Page, path: string): Promise<void> {
  await page.evaluate((url) => {
    const seen: Seen = { opens: 0, errors: 0, readyState: 0, positions: [], messages: [] }
    ;(window as unknown as { seen: Seen }).seen = seen
    const source = new EventSource(url)
    source.onopen = () => seen.opens++
    source.onerror = () => {
      seen.errors++
      seen.readyState = source.readyState // 2 (CLOSED): it gave up for good
    }
    source.addEventListener("$position", (e) => seen.positions.push((e as MessageEvent<string>).lastEventId))
    source.addEventListener("n", (e) => seen.messages.push(JSON.parse((e as MessageEvent<string>).data).data))
  }, path)
}
const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen: Seen }).seen)

test("native EventSource keeps retrying through a broker outage and gets live messages once it is back", async ({ page }) => {
  const redis = await startRedis()
  const gw = await startGateway({ redisUrl: redis.url, retryMs: 100 })
  try {
    await expect.poll(async () => (await gw.get("/readyz")).status).toBe(200)
    await page.goto(`${gw.url}/healthz`) // same origin as the gateway
    await watch(page, "/v1/subscribe?channel=outage")
    await expect.poll(async () => (await seen(page)).opens).toBe(1)

    await redis.stop()
    // Each attempt meanwhile opens, hears $close broker_unavailable and ends; none is refused
    // with a status that would make the browser give up (readyState CLOSED).
    await expect.poll(async () => (await seen(page)).errors, { timeout: 30_000 }).toBeGreaterThanOrEqual(4)
    expect((await seen(page)).readyState).not.toBe(2)

    await redis.start()
    await expect.poll(async () => (await gw.get("/readyz")).status, { timeout: 15_000 }).toBe(200)
    // Publish until the browser's next attempt is in (its retry is spread over 0.2–1.5 s).
    await expect
      .poll(
        async () => {
          await gw.post("/v1/publish", { channel: "outage", topic: "n", data: "back" })
          return (await seen(page)).messages.length
        },
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0)
    expect((await seen(page)).readyState).not.toBe(2)
  } finally {
    await gw.close()
    await redis.close()
  }
})

test("the $position frame sets EventSource's last event id: a reconnect before any message loses nothing", async ({ page }) => {
  const proxy = await startCutProxy(MAIN_PORT)
  // The browser adds Last-Event-ID itself: only the request's full headers show it.
  const resumes: Array<Promise<string | undefined>> = []
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === "/v1/subscribe") resumes.push(r.allHeaders().then((h) => h["last-event-id"]))
  })
  const channel = `position-${Date.now()}`
  const publish = (data: string) =>
    fetch(`${MAIN_URL}/v1/publish`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ channel, topic: "n", data }) })
  try {
    const first = await (await publish("before")).json()
    await page.goto(`${proxy.url}/healthz`)
    await watch(page, `/v1/subscribe?channel=${channel}`) // live only: no replay asked for
    await expect.poll(async () => (await seen(page)).positions).toEqual([first.ids[0]])

    proxy.cut() // the stream drops before its first message, and the browser cannot reconnect yet
    await expect.poll(async () => (await seen(page)).errors).toBeGreaterThan(0)
    await publish("while away")
    proxy.restore()
    await expect.poll(async () => (await seen(page)).messages, { timeout: 20_000 }).toEqual(["while away"])
    expect(await resumes.at(-1)).toBe(first.ids[0])
  } finally {
    await proxy.close()
  }
})
