import { createServer, connect, type Socket } from "node:net"
import type { AddressInfo } from "node:net"

/** A loopback TCP proxy in front of a gateway whose connections a test can cut. */
export interface CutProxy {
  /** Base URL of the proxy: load the page from here. */
  url: string
  /** Resets every open connection and refuses new ones until `restore()`: a network outage. */
  cut(): void
  restore(): void
  /** Connections accepted so far (each browser connection, kept-alive or streaming). */
  readonly accepted: number
  close(): Promise<void>
}

/**
 * Chromium's offline emulation (`context.setOffline`) fails new requests but
 * leaves an open response stream flowing, so on its own it cannot cut an SSE
 * stream mid-run. Resetting the TCP connections here does, the way a dropped
 * Wi-Fi or a restarted proxy would.
 */
export async function startCutProxy(targetPort: number): Promise<CutProxy> {
  const open = new Set<Socket>()
  let refusing = false
  let accepted = 0
  const server = createServer((client) => {
    if (refusing) return client.resetAndDestroy()
    accepted++
    const upstream = connect(targetPort, "127.0.0.1")
    open.add(client)
    open.add(upstream)
    const drop = () => {
      client.destroy()
      upstream.destroy()
      open.delete(client)
      open.delete(upstream)
    }
    client.on("error", drop).on("close", drop)
    upstream.on("error", drop).on("close", drop)
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      refusing = true
      for (const socket of open) socket.resetAndDestroy()
      open.clear()
    },
    restore() {
      refusing = false
    },
    get accepted() {
      return accepted
    },
    close() {
      for (const socket of open) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
