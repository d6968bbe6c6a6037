import { expect, type Locator, type Page } from "@playwright/test"

export const FRAMEWORKS = ["react", "vue", "svelte"] as const
export type Framework = (typeof FRAMEWORKS)[number]

/** One framework's panel on the demo page. */
export function panel(page: Page, framework: Framework): Locator {
  return page.getByTestId(`panel-${framework}`)
}

/** Presses the page's button and returns the id of the run it started. */
export async function startRun(page: Page): Promise<string> {
  await page.getByTestId("start").click()
  const run = page.getByTestId("run")
  await expect(run).toHaveAttribute("data-run-id", /^[A-Za-z0-9_-]+$/)
  return (await run.getAttribute("data-run-id"))!
}

/** The exact text of each token span, in page order (no whitespace normalization: tokens carry their spaces). */
export function tokensOf(page: Page, framework: Framework): Promise<string[]> {
  return panel(page, framework).getByTestId("token").allTextContents()
}

export function statusLinesOf(page: Page, framework: Framework): Promise<string[]> {
  return panel(page, framework).getByTestId("status-line").allTextContents()
}

/** What a finished run must show, in every panel. */
export interface ExpectedRun {
  statuses: string[]
  tokens: string[]
  result: unknown
}

/**
 * Waits for every panel to show the finished run, then asserts the exact
 * content: each status line and each token once, in order, and the result.
 */
export async function expectFinished(page: Page, expected: ExpectedRun): Promise<void> {
  for (const framework of FRAMEWORKS) {
    const p = panel(page, framework)
    await expect(p.getByTestId("run-status"), `${framework} runStatus`).toHaveText("completed")
    await expect.poll(() => tokensOf(page, framework), { message: `${framework} tokens` }).toEqual(expected.tokens)
    await expect.poll(() => statusLinesOf(page, framework), { message: `${framework} status lines` }).toEqual(expected.statuses)
    const result = JSON.parse((await p.getByTestId("result").textContent()) ?? "null") as unknown
    expect(result, `${framework} result`).toEqual(expected.result)
    await expect(p.getByTestId("error"), `${framework} error`).toHaveCount(0)
    await expect(p.getByTestId("gap"), `${framework} gap`).toHaveCount(0)
  }
}
