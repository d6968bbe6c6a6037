import type { IncomingMessage, ServerResponse } from "node:http"
import type { RequestHandler } from "express"

/**
 * A route on Node's own request and response: what the Express router and
 * the fast path (`createFastPath`) both run, so that there is one copy of
 * every rule. It throws (or rejects with) its refusal; the caller answers it.
 */
export type NodeRoute = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>

/** A `NodeRoute` as Express middleware: its refusal goes to the router's error handler. */
export function expressRoute(route: NodeRoute): RequestHandler {
  return (req, res, next) => {
    let done: void | Promise<void>
    try {
      done = route(req, res)
    } catch (error) {
      return next(error)
    }
    if (done) done.catch(next)
  }
}
