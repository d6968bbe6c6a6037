// @vitest-environment happy-dom
import type { ChannelSubscriptionToken } from "@conduit/shared"
import { cleanup, render, screen, waitFor } from "@testing-library/react"
import { afterEach, describe, expect, it } from "vitest"
import { publishAll, type RunningGateway, startGateway } from "../../client/src/testing/clientTestKit.ts"
import { useInngestSubscription } from "./compat.ts"

const KEY = "react-compat-test-signing-key-0000000000"
let gw: RunningGateway
afterEach(async () => {
  cleanup()
  await gw?.close()
})

function Feed({ refreshToken }: { refreshToken: () => Promise<ChannelSubscriptionToken> }) {
  const { data, latestData, freshData, state, error } = useInngestSubscription({ refreshToken })
  return (
    <div>
      <p data-testid="state">{state}</p>
      <p data-testid="latest">{String(latestData?.data ?? "")}</p>
      <p data-testid="fresh">{freshData.length}</p>
      <p data-testid="error">{error?.message ?? ""}</p>
      <ol>{data.map((m, i) => <li key={i}>{String(m.data)}</li>)}</ol>
    </div>
  )
}

describe("useInngestSubscription (Inngest v3 shape)", () => {
  it("opens the channel its token object names, with no URL of its own, and stays open past a run's end", async () => {
    gw = await startGateway({ signingKey: KEY, corsOrigins: ["*"] })
    let minted = 0
    const refreshToken = async () => {
      minted++
      const { body } = await gw.post("/v1/tokens", { channel: "user:123", topics: ["ai"] }, { Authorization: `Bearer ${KEY}` })
      return { key: body.token as string, apiBaseUrl: gw.url, expiresAt: body.expiresAt as string, channel: "user:123", topics: ["ai"] }
    }
    render(<Feed refreshToken={refreshToken} />)
    await waitFor(() => expect(screen.getByTestId("state").textContent).toBe("active"))
    await publishAll(gw, "user:123", "ai", ["hello", "world"], KEY)
    await waitFor(() => expect(screen.getAllByRole("listitem").map((li) => li.textContent)).toEqual(["hello", "world"]))
    expect(screen.getByTestId("latest").textContent).toBe("world")
    await gw.post("/v1/publish", { channel: "user:123", topic: "$run", data: { status: "completed" } }, { Authorization: `Bearer ${KEY}` })
    await publishAll(gw, "user:123", "ai", ["next run"], KEY)
    await waitFor(() => expect(screen.getAllByRole("listitem")).toHaveLength(3))
    expect(screen.getByTestId("state").textContent).toBe("active")
    expect(minted).toBe(1)
  })
})
