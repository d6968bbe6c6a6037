import type { IncomingMessage, ServerResponse } from "node:http"
import type { ConduitError } from "@conduit/shared"
import type { RequestHandler } from "express"
import { awaitTurn } from "./awaitTurn.ts"
import type { NodeRoute } from "./nodeRoute.ts"
import { assertRequestHead } from "./requestHead.ts"
import { refusalHandler } from "./sendError.ts"

export interface FastPathOptions {
  publish: NodeRoute
  subscribe: NodeRoute
  maxRequestBytes: number
  /** The router's CORS middleware, run the same way, or null. */
  cors: RequestHandler | null
  /** The router's refusal bookkeeping (metrics, logs). */
  onRefusal: (error: ConduitError) => void
}

/**
 * The hot routes outside Express, for a server the gateway owns
 * (`gateway.listen()`, the CLI): `POST /v1/publish` and `GET
 * /v1/subscribe` at exactly those paths run the same steps the router runs
 * for them (the pipelining turn, the request-head checks, CORS, the route,
 * the refusal answer), from the same functions, without Express's
 * per-request dispatch. Any other request (another path or method, a
 * trailing slash, other case, `HEAD`, `OPTIONS`) returns false and goes to
 * the Express app, so answers never differ.
 */
export function createFastPath(options: FastPathOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { publish, subscribe, maxRequestBytes, cors } = options
  const refuse = refusalHandler(options.onRefusal)
  function run(route: NodeRoute, req: IncomingMessage, res: ServerResponse): void {
    let done: void | Promise<void>
    try {
      done = route(req, res)
    } catch (error) {
      return refuse(req, res, error)
    }
    if (done) done.catch((error: unknown) => refuse(req, res, error))
  }
  return (req, res) => {
    const url = req.url ?? ""
    const q = url.indexOf("?")
    const path = q === -1 ? url : url.slice(0, q)
    const route = path === "/v1/publish" && req.method === "POST" ? publish : path === "/v1/subscribe" && req.method === "GET" ? subscribe : null
    if (route === null) return false
    awaitTurn(req, res, () => {
      try {
        assertRequestHead(req, maxRequestBytes)
      } catch (error) {
        return refuse(req, res, error)
      }
      if (!cors) return run(route, req, res)
      cors(req as Parameters<RequestHandler>[0], res as Parameters<RequestHandler>[1], (error?: unknown) => (error ? refuse(req, res, error) : run(route, req, res)))
    })
    return true
  }
}
