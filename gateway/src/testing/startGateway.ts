import type { Server } from "node:http"
import { createGateway, type Gateway } from "../createGateway.ts"
import type { GatewayOptions } from "../config/GatewayOptions.ts"

export interface RunningGateway {
  gateway: Gateway
  server: Server
  url: string
  port: number
  /** POST JSON; returns status and parsed body. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: any; text: string }>
  close(): Promise<void>
}

/**
 * Whether test gateways serve the hot routes on the fast path (the default,
 * as `gateway.listen()` does) or through Express: `CONDUIT_TEST_FAST_PATH=0
 * npx vitest run gateway/src` runs every gateway test on the Express router.
 */
export const TEST_FAST_PATH = process.env.CONDUIT_TEST_FAST_PATH !== "0"

/** A real gateway on an ephemeral loopback port, quiet logs. */
export async function startGateway(options: GatewayOptions = {}, port = 0, fastPath = TEST_FAST_PATH): Promise<RunningGateway> {
  const gateway = createGateway({ logLevel: "silent", ...options })
  const { url, port: bound, server } = await gateway.listen({ port, host: "127.0.0.1", fastPath })
  const send = (method: string, path: string, body: unknown, headers: Record<string, string>) =>
    fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? headers : { "Content-Type": "application/json", ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    })
  const call = async (method: string, path: string, body: unknown, headers: Record<string, string>) => {
    let res: Response
    try {
      res = await send(method, path, body, headers)
    } catch (error) {
      // A pooled keep-alive connection the server closed as it was reused (a busy event loop
      // runs the server's idle timer before fetch's): a GET is safe to send again.
      if (method !== "GET") throw error
      res = await send(method, path, body, headers)
    }
    const text = await res.text()
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = undefined
    }
    return { status: res.status, body: parsed as any, text }
  }
  return {
    gateway,
    server,
    url,
    port: bound,
    post: (path, body, headers = {}) => call("POST", path, body, headers),
    get: (path, headers = {}) => call("GET", path, undefined, headers),
    close: () => gateway.close(),
  }
}
