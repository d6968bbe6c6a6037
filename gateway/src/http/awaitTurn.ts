import type { IncomingMessage, ServerResponse } from "node:http"
import type { Socket } from "node:net"

const WAITING = Symbol("conduit.waiting")
const BROKEN = Symbol("conduit.broken")
type TurnSocket = Socket & { [WAITING]?: number; [BROKEN]?: true }

// Requests parked behind an unfinished answer on one connection; past this the client is flooding it.
const MAX_WAITING = 64

/**
 * Runs a request only once every answer before it on its connection has
 * left. Node runs pipelined requests at once and queues their answers; when
 * an earlier answer never ends (a stream) or ends the connection, a request
 * behind it had been executed (a publish published) and was never answered,
 * or two streams shared one socket. A parked request is run when its answer's
 * turn comes (Node hands it the socket), and never if the connection closes
 * first or a malformed request broke it (`breakConnection`).
 */
export function awaitTurn(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  if (res.socket !== null) return next() // first in line: the common case, nothing allocated
  const socket = req.socket as TurnSocket
  const waiting = (socket[WAITING] ?? 0) + 1
  if (waiting > MAX_WAITING) {
    socket.destroy()
    return
  }
  socket[WAITING] = waiting
  res.once("socket", () => {
    socket[WAITING]!--
    if (!socket[BROKEN]) next()
  })
}

/**
 * Marks a connection on which a malformed request arrived: requests parked
 * behind the answer in progress are dropped unexecuted (the client reads the
 * error answer as theirs), only the one running is still answered.
 */
export function breakConnection(socket: Socket): boolean {
  const s = socket as TurnSocket
  if (s[BROKEN]) return false
  s[BROKEN] = true
  return true
}
