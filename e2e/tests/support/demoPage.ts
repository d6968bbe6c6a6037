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

/**
 * Answers the run's approval request from one panel's Approve or Reject
 * button, once every panel shows the request and `waiting`.
 */
export async function review(page: Page, approved: boolean, from: Framework = "react"): Promise<void> {
  for (const framework of FRAMEWORKS) {
    await expect(panel(page, framework).getByTestId("run-status"), `${framework} runStatus`).toHaveText("waiting")
    await expect(panel(page, framework).getByTestId("question"), `${framework} approval request`).toBeVisible()
  }
  await panel(page, from).getByTestId(approved ? "approve" : "reject").click()
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

/** Every panel shows a rejected run: failed with the reviewer's answer, its status lines, no token, no result, no request left. */
export async function expectRejected(page: Page, expected: ExpectedRun, error: string): Promise<void> {
  for (const framework of FRAMEWORKS) {
    const p = panel(page, framework)
    await expect(p.getByTestId("run-status"), `${framework} runStatus`).toHaveText("failed")
    await expect(p.getByTestId("error"), `${framework} error`).toHaveText(error)
    await expect.poll(() => statusLinesOf(page, framework), { message: `${framework} status lines` }).toEqual(expected.statuses)
    expect(await tokensOf(page, framework)).toEqual([])
    await expect(p.getByTestId("result")).toHaveCount(0)
    await expect(p.getByTestId("approval")).toHaveCount(0)
  }
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
