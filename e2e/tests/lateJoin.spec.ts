import { expect, test } from "@playwright/test"
import { expectFinished, FRAMEWORKS, panel } from "./support/demoPage.ts"
import { DEMO_RUN } from "./support/demoRun.ts"
import { reviewViaApi, startRunViaApi, waitForCompletion } from "./support/runHistory.ts"
import { MAIN_URL } from "./support/servers.ts"

test("a page opened after the run finished replays it from history, shows completed and closes the stream", async ({ page }) => {
  const runId = await startRunViaApi(MAIN_URL)
  await reviewViaApi(MAIN_URL, runId, true)
  await waitForCompletion(MAIN_URL, runId)

  await page.goto(`/?run=${runId}`)
  await expect(page.getByTestId("run")).toHaveAttribute("data-run-id", runId)
  await expectFinished(page, DEMO_RUN)
  // autoCloseOnTerminal: the run's end (replayed here) closes the stream, nothing more can come.
  for (const framework of FRAMEWORKS) {
    await expect(panel(page, framework).getByTestId("connection")).toHaveText("closed")
  }
})
