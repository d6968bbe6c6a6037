import { expect, test } from "@playwright/test"
import { expectFinished, FRAMEWORKS, panel, review, startRun, statusLinesOf, tokensOf } from "./support/demoPage.ts"
import { DEMO_RUN } from "./support/demoRun.ts"
import { channelOf } from "./support/runHistory.ts"

test("a second tab on another run's channel sees nothing of the first, and its token opens nothing else", async ({
  browser,
}) => {
  // Two users: separate browser contexts (no shared cookies, storage or connections).
  const alice = await (await browser.newContext()).newPage()
  const bob = await (await browser.newContext()).newPage()
  const bobsRun = `other-${Date.now()}`

  await bob.goto(`/?run=${bobsRun}`)
  for (const framework of FRAMEWORKS) {
    await expect(panel(bob, framework).getByTestId("connection")).toHaveText("open")
  }
  await alice.goto("/")
  const alicesRun = await startRun(alice)
  await review(alice, true)
  await expectFinished(alice, DEMO_RUN)

  // Bob's panels stayed connected the whole time and received nothing of Alice's run.
  for (const framework of FRAMEWORKS) {
    await expect(panel(bob, framework).getByTestId("connection")).toHaveText("open")
    await expect(panel(bob, framework).getByTestId("run-status")).toHaveText("unknown")
    expect(await tokensOf(bob, framework)).toEqual([])
    expect(await statusLinesOf(bob, framework)).toEqual([])
    await expect(panel(bob, framework).getByTestId("result")).toHaveCount(0)
    await expect(panel(bob, framework).getByTestId("approval")).toHaveCount(0)
  }

  // Bob's own token, used on Alice's channel: refused, by header and by query, and EventSource gets nothing.
  const attempt = await bob.evaluate(
    async ({ myRun, mine, theirs }) => {
      const tokenResponse = await fetch("/demo/token", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ runId: myRun }),
      })
      const { token } = (await tokenResponse.json()) as { token: string }
      const url = (channel: string) => `/v1/subscribe?channel=${encodeURIComponent(channel)}&lastEventId=0`
      const byHeader = await fetch(url(theirs), { headers: { Authorization: `Bearer ${token}` } })
      const byQuery = await fetch(`${url(theirs)}&token=${encodeURIComponent(token)}`)
      const own = await fetch(`${url(mine)}&token=${encodeURIComponent(token)}`)
      const ownStatus = own.status
      await own.body?.cancel()
      const eventSource = await new Promise<{ opened: boolean; events: number }>((resolve) => {
        const source = new EventSource(`${url(theirs)}&token=${encodeURIComponent(token)}`)
        let events = 0
        for (const type of ["status", "tokens", "$run", "message"]) source.addEventListener(type, () => events++)
        source.onopen = () => resolve({ opened: true, events })
        source.onerror = () => {
          source.close()
          resolve({ opened: false, events })
        }
      })
      return {
        header: { status: byHeader.status, body: (await byHeader.json()) as { error: { code: string } } },
        query: { status: byQuery.status, body: (await byQuery.json()) as { error: { code: string } } },
        ownStatus,
        eventSource,
      }
    },
    { myRun: bobsRun, mine: channelOf(bobsRun), theirs: channelOf(alicesRun) },
  )
  expect(attempt.header.status).toBe(403)
  expect(attempt.header.body.error.code).toBe("ERR_FORBIDDEN_CHANNEL")
  expect(attempt.query.status).toBe(403)
  expect(attempt.query.body.error.code).toBe("ERR_FORBIDDEN_CHANNEL")
  expect(attempt.ownStatus).toBe(200)
  expect(attempt.eventSource).toEqual({ opened: false, events: 0 })

  await alice.context().close()
  await bob.context().close()
})
