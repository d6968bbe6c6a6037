import { afterEach, describe, expect, it } from "vitest"
import { Conduit } from "../../sdk/Conduit.ts"
import { openStream, type TestStream } from "../../testing/openStream.ts"
import { type RunningGateway, startGateway } from "../../testing/startGateway.ts"
import { envelopes, labels, waitForTerminal } from "../../testing/functionsTestRig.ts"
import { DEMO_QUESTION, DEMO_REJECTED_ERROR, DEMO_STATUS, demoExpectedRun, registerDemoFunction } from "./generatePost.ts"

let gw: RunningGateway | undefined
const streams: TestStream[] = []
afterEach(async () => {
  for (const s of streams.splice(0)) s.close()
  await gw?.close()
  gw = undefined
})

/** Subscribes the way the demo page does: a token for the run's channel only, full replay. */
async function watch(demo: ReturnType<typeof registerDemoFunction>, runId: string): Promise<TestStream> {
  const { token, channel } = await demo.mintToken(runId)
  const stream = await openStream(`${gw!.url}/v1/subscribe?channel=${channel}&lastEventId=0`, { Authorization: `Bearer ${token}` })
  expect(stream.status).toBe(200)
  streams.push(stream)
  return stream
}

/** Waits for the run's approval request and answers it, as the page's Approve / Reject buttons do. */
async function review(demo: ReturnType<typeof registerDemoFunction>, stream: TestStream, approved: boolean): Promise<void> {
  await stream.waitFor((events) => envelopes(events).some((m) => m.topic === "$run" && m.data.status === "waiting"), 20_000)
  const request = envelopes(stream.events).find((m) => m.topic === "approval")!
  expect(request.data.question).toBe(DEMO_QUESTION)
  await demo.review(request.data.postId, approved)
}

function byTopic(stream: TestStream) {
  const all = envelopes(stream.events)
  return {
    statuses: all.filter((m) => m.topic === "status").map((m) => m.data.message),
    // The stream's start and end markers (data null) carry no token.
    tokens: all.filter((m) => m.topic === "tokens" && m.data !== null).map((m) => m.data.token),
    result: all.find((m) => m.topic === "$run" && m.data.status === "completed")?.data.result,
    durableResult: all.filter((m) => m.topic === "result").map((m) => m.data),
    run: labels(stream.events).filter((l) => l.startsWith("$run")),
  }
}

describe("demo function (app/generate-post)", () => {
  it("retries its injected failure, asks for approval, and once approved shows each status line, token and the result once", async () => {
    gw = await startGateway({ signingKey: "d".repeat(32) })
    const conduit = new Conduit({ gateway: gw.gateway, functions: { retryDelay: () => 0 } })
    const demo = registerDemoFunction(conduit, { tokenDelayMs: 0 })
    const { runId, channel } = await demo.startRun()
    expect(channel).toBe(`pipeline:${runId}`)
    const stream = await watch(demo, runId)
    await review(demo, stream, true)
    await waitForTerminal(stream, 20_000)

    const expected = demoExpectedRun()
    expect(expected.tokens.length).toBeGreaterThanOrEqual(20)
    expect(expected.tokens.join("")).toBe(expected.result!.text)
    expect(byTopic(stream)).toEqual({
      statuses: expected.statuses,
      tokens: expected.tokens,
      result: expected.result,
      durableResult: [expected.result],
      run: ["$run running 1", "$run running 2", "$run waiting", "$run running 2", "$run completed"],
    })
    expect(expected.statuses).toContain(DEMO_STATUS.awaitingApproval)
    expect(expected.statuses).toContain(DEMO_STATUS.retrying)
    // The run's channel was declared: `running` is its first message.
    expect(labels(stream.events)[0]).toBe("$run running 1")
    expect(await conduit.getRun(runId)).toMatchObject({ state: "completed", attempt: 2, functionId: "generate-post" })
  })

  it("runs in one attempt without the injected failure, over HTTP", async () => {
    const key = "d".repeat(32)
    gw = await startGateway({ signingKey: key })
    const conduit = new Conduit({ url: gw.url, signingKey: key })
    const demo = registerDemoFunction(conduit, { tokenDelayMs: 1, failFirstAttempt: false })
    const { runId } = await demo.startRun()
    const stream = await watch(demo, runId)
    await review(demo, stream, true)
    await waitForTerminal(stream, 20_000)
    const expected = demoExpectedRun({ failFirstAttempt: false })
    expect(byTopic(stream)).toMatchObject({
      statuses: expected.statuses,
      tokens: expected.tokens,
      run: ["$run running 1", "$run waiting", "$run running 1", "$run completed"],
    })
  })

  it("rejected, it writes nothing and ends failed with the reviewer's answer; a second answer finds no run waiting", async () => {
    gw = await startGateway({ signingKey: "d".repeat(32) })
    const conduit = new Conduit({ gateway: gw.gateway, functions: { retryDelay: () => 0 } })
    const demo = registerDemoFunction(conduit, { tokenDelayMs: 0 })
    const { runId } = await demo.startRun()
    const stream = await watch(demo, runId)
    await review(demo, stream, false)
    await waitForTerminal(stream, 20_000)
    const expected = demoExpectedRun({ approved: false })
    expect(byTopic(stream)).toEqual({
      statuses: expected.statuses,
      tokens: [],
      result: undefined,
      durableResult: [],
      run: ["$run running 1", "$run running 2", "$run waiting", "$run running 2", "$run failed"],
    })
    expect(await conduit.getRun(runId)).toMatchObject({ state: "failed", error: DEMO_REJECTED_ERROR })
    const postId = envelopes(stream.events).find((m) => m.topic === "approval")!.data.postId
    await expect(demo.review(postId, true)).rejects.toMatchObject({ code: "ERR_UNKNOWN_FUNCTION" })
  })
})
