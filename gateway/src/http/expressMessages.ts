import { IncomingMessage, ServerResponse } from "node:http"
import type { Socket } from "node:net"
import type { Express } from "express"

/**
 * Request and response classes for `http.createServer` whose instances are
 * born with the app's own prototypes (`app.request`, `app.response`).
 *
 * Express re-parents every request and response onto those prototypes as it
 * dispatches them; V8 answers `setPrototypeOf` on a live object with a hidden
 * class of its own, so every open stream carried two private hidden classes
 * and their descriptor arrays: about 2 KB per idle subscriber. Born with the
 * right prototype, the re-parenting is a no-op and all streams share one shape.
 */
export function expressMessages(app: Express): { IncomingMessage: typeof IncomingMessage; ServerResponse: typeof ServerResponse } {
  function ExpressRequest(this: IncomingMessage, socket: Socket): void {
    Reflect.apply(IncomingMessage, this, [socket])
  }
  ExpressRequest.prototype = app.request
  function ExpressResponse(this: ServerResponse, req: IncomingMessage, options?: unknown): void {
    Reflect.apply(ServerResponse, this, [req, options])
  }
  ExpressResponse.prototype = app.response
  return {
    IncomingMessage: ExpressRequest as unknown as typeof IncomingMessage,
    ServerResponse: ExpressResponse as unknown as typeof ServerResponse,
  }
}
