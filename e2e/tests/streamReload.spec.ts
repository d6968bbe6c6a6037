import { expect, test } from "@playwright/test"
import { expectFinished, FRAMEWORKS, panel, review, startRun, tokensOf } from "./support/demoPage.ts"
import { DEMO_RUN } from "./support/demoRun.ts"
import { expectedFrom, waitForCompletion } from "./support/runHistory.ts"
import { MAIN_URL } from "./support/servers.ts"

declare global {
  interface Window {
    /** Every token sequence each panel showed, in order, recorded on each DOM change since the page loaded. */
    tokenSnapshots?: Record<string, string[][]>
  }
}

test("a reload mid-stream: every panel's text continues from where it was, no token missing, none twice", async ({ page }) => {
  // Recorded from the first paint of every load, the reload's included.
  await page.addInitScript((frameworks) => {
    const seen: Record<string, string[][]> = Object.fromEntries(frameworks.map((f) => [f, []]))
    window.tokenSnapshots = seen
    const record = () => {
      for (const f of frameworks) {
        const tokens = [...document.querySelectorAll(`[data-testid=panel-${f}] [data-testid=token]`)].map((e) => e.textContent ?? "")
        if (seen[f]!.at(-1)?.join("\u0000") !== tokens.join("\u0000")) seen[f]!.push(tokens)
      }
    }
    document.addEventListener("DOMContentLoaded", () => new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true }))
  }, [...FRAMEWORKS])

  await page.goto("/")
  const runId = await startRun(page)
  await review(page, true)
  // Mid-stream: some tokens shown, the stream not done.
  for (const framework of FRAMEWORKS) {
    await expect.poll(async () => (await tokensOf(page, framework)).length, { message: `${framework} streaming` }).toBeGreaterThanOrEqual(3)
  }
  const before = await Promise.all(FRAMEWORKS.map((f) => tokensOf(page, f)))
  for (const [i, framework] of FRAMEWORKS.entries()) {
    expect(before[i]!.length, `${framework} was mid-stream at the reload`).toBeLessThan(DEMO_RUN.tokens.length)
    await expect(panel(page, framework).getByTestId("tokens")).toHaveAttribute("data-done", "false")
  }

  await page.reload()
  await expect(page.getByTestId("run")).toHaveAttribute("data-run-id", runId)
  await expectFinished(page, DEMO_RUN)
  expect(expectedFrom(await waitForCompletion(MAIN_URL, runId))).toEqual(DEMO_RUN)

  // After the reload, every state a panel showed was the stream's text up to some token: replayed up to
  // at least where it was, then grown one chunk at a time to the end, never a token skipped or repeated.
  const snapshots = (await page.evaluate(() => window.tokenSnapshots))!
  for (const [i, framework] of FRAMEWORKS.entries()) {
    const shown = snapshots[framework]!.filter((tokens) => tokens.length > 0)
    expect(shown.length, `${framework} showed the stream after the reload`).toBeGreaterThan(0)
    for (const tokens of shown) expect(tokens, `${framework} tokens after the reload`).toEqual(DEMO_RUN.tokens.slice(0, tokens.length))
    expect(shown[0]!.length, `${framework} came back at least where it was`).toBeGreaterThanOrEqual(before[i]!.length)
    expect(shown.at(-1)).toEqual(DEMO_RUN.tokens)
    expect(shown.map((t) => t.length)).toEqual([...shown.map((t) => t.length)].sort((a, b) => a - b))
    // It went on streaming after the reload: the text grew in steps, not all at once at the end.
    expect(new Set(shown.map((t) => t.length)).size, `${framework} lengths ${shown.map((t) => t.length).join(",")}`).toBeGreaterThanOrEqual(2)
  }
  await expect(panel(page, "react").getByTestId("tokens")).toHaveAttribute("data-done", "true")
})
