import { IncomingMessage, ServerResponse } from "node:http"
import type { Express } from "express"

type Messages = { IncomingMessage: typeof IncomingMessage; ServerResponse: typeof ServerResponse }

const made = new WeakMap<Express, Messages>()

/**
 * Request and response classes for `http.createServer` whose instances are
 * born with the app's own prototypes (`app.request`, `app.response`).
 *
 * Express re-parents every request and response onto those prototypes as it
 * dispatches them; V8 answers `setPrototypeOf` on a live object with a hidden
 * class of its own, so every open stream carried two private hidden classes
 * and their descriptor arrays: about 2 KB per idle subscriber. Born with the
 * right prototype, the re-parenting is a no-op and all streams share one shape.
 *
 * The classes are subclasses, and the app's prototypes become theirs (each
 * chained to the one it replaces, so nothing the app had is lost): V8 gives
 * the instances of a subclass one shared shape, with their fields in the
 * object. A plain function that calls the Node constructor on `this` instead
 * leaves them with too few in-object fields, and the Node constructor's
 * symbol-keyed fields then turn every instance into a dictionary of its own.
 * Calling it twice for one app returns the same classes.
 */
export function expressMessages(app: Express): Messages {
  const known = made.get(app)
  if (known) return known
  class ExpressRequest extends IncomingMessage {}
  class ExpressResponse extends ServerResponse {}
  Object.setPrototypeOf(ExpressRequest.prototype, app.request)
  Object.setPrototypeOf(ExpressResponse.prototype, app.response)
  app.request = ExpressRequest.prototype as unknown as Express["request"]
  app.response = ExpressResponse.prototype as unknown as Express["response"]
  const messages: Messages = {
    IncomingMessage: ExpressRequest as unknown as typeof IncomingMessage,
    ServerResponse: ExpressResponse as unknown as typeof ServerResponse,
  }
  made.set(app, messages)
  return messages
}
