// @vitest-environment happy-dom
import { channel } from "@conduit/shared"
import { act, cleanup, render, screen, waitFor } from "@testing-library/react"
import { StrictMode } from "react"
import { afterEach, describe, expect, it } from "vitest"
import { z } from "zod"
import { countingFetch, publishAll, type RunningGateway, startGateway } from "../../client/src/testing/clientTestKit.ts"
import { useRealtime } from "./useRealtime.ts"

const pipeline = channel({
  name: "pipeline:{runId}",
  topics: { status: { schema: z.object({ message: z.string() }) }, tokens: { schema: z.object({ token: z.string() }) } },
})
const KEY = "react-adapter-test-signing-key-000000000"

function Panel({ url, runId, token, fetch }: { url: string; runId: string; token: () => Promise<string>; fetch: typeof globalThis.fetch }) {
  const { connectionStatus, runStatus, messages } = useRealtime({ url, channel: pipeline({ runId }), token, fetch })
  return (
    <div>
      <p data-testid="status">{connectionStatus}</p>
      <p data-testid="run">{runStatus}</p>
      <ol>
        {(messages.byTopic.status ?? []).map((m) => (
          <li key={m.id}>{m.data.message}</li>
        ))}
      </ol>
      <p data-testid="tokens">{(messages.byTopic.tokens ?? []).map((m) => m.data.token).join("")}</p>
    </div>
  )
}

let gw: RunningGateway
afterEach(async () => {
  cleanup()
  await gw?.close()
})

describe("useRealtime (React)", () => {
  it("renders live messages from a real gateway; Strict Mode opens one connection and mints one token", async () => {
    gw = await startGateway({ signingKey: KEY, corsOrigins: ["*"] })
    const fetch = countingFetch()
    let minted = 0
    const token = async () => {
      minted++
      const res = await gw.post("/v1/tokens", { channel: "pipeline:r1", topics: ["*"] }, { Authorization: `Bearer ${KEY}` })
      return res.body.token as string
    }
    render(
      <StrictMode>
        <Panel url={gw.url} runId="r1" token={token} fetch={fetch} />
      </StrictMode>,
    )
    await waitFor(() => expect(screen.getByTestId("status").textContent).toBe("open"))
    await publishAll(gw, "pipeline:r1", "status", [{ message: "Drafting" }, { message: "Polishing" }], KEY)
    await publishAll(gw, "pipeline:r1", "tokens", ["Hel", "lo"].map((token) => ({ token })), KEY)
    await waitFor(() => expect(screen.getByTestId("tokens").textContent).toBe("Hello"))
    expect(screen.getAllByRole("listitem").map((li) => li.textContent)).toEqual(["Drafting", "Polishing"])
    await act(() => new Promise((r) => setTimeout(r, 200))) // past closeDelayMs: the double mount settled
    expect([fetch.calls.length, minted]).toEqual([1, 1])
  })

  it("starts over with fresh state when the channel changes", async () => {
    gw = await startGateway({ signingKey: KEY, corsOrigins: ["*"] })
    await publishAll(gw, "pipeline:a", "status", [{ message: "from a" }], KEY)
    await publishAll(gw, "pipeline:b", "status", [{ message: "from b" }], KEY)
    const tokenFor = (runId: string) => async () =>
      (await gw.post("/v1/tokens", { channel: `pipeline:${runId}`, topics: ["*"] }, { Authorization: `Bearer ${KEY}` })).body.token as string
    const fetch = countingFetch()
    const view = render(<Panel url={gw.url} runId="a" token={tokenFor("a")} fetch={fetch} />)
    await waitFor(() => expect(screen.getAllByRole("listitem").map((li) => li.textContent)).toEqual(["from a"]))
    view.rerender(<Panel url={gw.url} runId="b" token={tokenFor("b")} fetch={fetch} />)
    await waitFor(() => expect(screen.getAllByRole("listitem").map((li) => li.textContent)).toEqual(["from b"]))
  })

  it("takes a new token function at the next connect, without restarting the stream", async () => {
    gw = await startGateway({ signingKey: KEY, corsOrigins: ["*"], enforceTokenExpiry: true })
    const fetch = countingFetch()
    const calls: string[] = []
    const tokenNamed = (name: string, expiresIn: number) => async () => {
      calls.push(name)
      const res = await gw.post("/v1/tokens", { channel: "pipeline:t", topics: ["*"], expiresIn }, { Authorization: `Bearer ${KEY}` })
      return res.body.token as string
    }
    const first = tokenNamed("first", 1) // expires within a second: the gateway ends the stream with $close token_expired
    const view = render(<Panel url={gw.url} runId="t" token={first} fetch={fetch} />)
    await waitFor(() => expect(screen.getByTestId("status").textContent).toBe("open"))
    view.rerender(<Panel url={gw.url} runId="t" token={tokenNamed("second", 60)} fetch={fetch} />)
    await waitFor(() => expect(calls).toEqual(["first", "second"]), { timeout: 10_000 })
    await waitFor(() => expect(screen.getByTestId("status").textContent).toBe("open"))
    await publishAll(gw, "pipeline:t", "status", [{ message: "after the new token" }], KEY)
    await waitFor(() => expect(screen.getAllByRole("listitem").map((li) => li.textContent)).toEqual(["after the new token"]))
    expect(fetch.calls).toHaveLength(2) // the rerender did not reconnect; the expiry did, once
  })
})
