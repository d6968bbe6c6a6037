import { expect, test } from "@playwright/test"
import { DEMO_QUESTION, DEMO_REJECTED_ERROR } from "../../gateway/src/functions/demo/generatePost.ts"
import { expectFinished, expectRejected, FRAMEWORKS, panel, review, startRun } from "./support/demoPage.ts"
import { DEMO_REJECTED_RUN, DEMO_RUN } from "./support/demoRun.ts"
import { historyOf } from "./support/runHistory.ts"
import { MAIN_URL } from "./support/servers.ts"

/** `$run` statuses the gateway retained for a run. */
const runStatuses = async (runId: string) =>
  (await historyOf(MAIN_URL, runId)).filter((m) => m.topic === "$run").map((m) => (m.data as { status: string }).status)

test("human in the loop: Approve in one panel and every panel's run goes on to write the post", async ({ page }) => {
  await page.goto("/")
  const runId = await startRun(page)
  for (const framework of FRAMEWORKS) {
    await expect(panel(page, framework).getByTestId("question")).toHaveText(DEMO_QUESTION)
  }
  // Nothing is written while the run waits.
  for (const framework of FRAMEWORKS) await expect(panel(page, framework).getByTestId("token")).toHaveCount(0)
  await review(page, true, "vue")
  await expectFinished(page, DEMO_RUN)
  for (const framework of FRAMEWORKS) await expect(panel(page, framework).getByTestId("approval")).toHaveCount(0)
  expect(await runStatuses(runId)).toEqual(["running", "running", "waiting", "running", "completed"])
})

test("human in the loop: Reject in one panel and every panel's run ends without writing anything", async ({ page }) => {
  await page.goto("/")
  const runId = await startRun(page)
  await review(page, false, "svelte")
  await expectRejected(page, DEMO_REJECTED_RUN, `${DEMO_REJECTED_ERROR.code}: ${DEMO_REJECTED_ERROR.message}`)
  expect(await runStatuses(runId)).toEqual(["running", "running", "waiting", "running", "failed"])
  expect((await historyOf(MAIN_URL, runId)).filter((m) => m.topic === "tokens")).toEqual([])

  // Answering again finds no run waiting: the demo route says so and changes nothing.
  const postId = ((await historyOf(MAIN_URL, runId)).find((m) => m.topic === "approval")!.data as { postId: string }).postId
  const again = await fetch(`${MAIN_URL}/demo/review`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ postId, approved: true }),
  })
  expect(again.status).toBe(404)
  expect(((await again.json()) as { error: { code: string } }).error.code).toBe("ERR_UNKNOWN_FUNCTION")
  expect(await runStatuses(runId)).toEqual(["running", "running", "waiting", "running", "failed"])
})
