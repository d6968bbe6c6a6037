import { CLOSE_EVENT, type CloseReason, encodeSseFrame, GAP_EVENT, type GapEventData, POSITION_EVENT, reconnectDelay } from "@conduit/shared"
import type { StoredMessage } from "../broker/Broker.ts"

/** The SSE frame of a message: built once per node by the broker (`storeMessage`) and shared by every subscriber. */
export function frameOf(message: StoredMessage): Buffer {
  return message.frame
}

export const PING_FRAME = Buffer.from(encodeSseFrame({ comment: "ping" }))

export function retryFrame(ms: number): Buffer {
  return Buffer.from(encodeSseFrame({ retry: ms }))
}

// Control frames carry no id: they must not move the client's Last-Event-ID.
export function gapFrame(gap: GapEventData): Buffer {
  return Buffer.from(encodeSseFrame({ event: GAP_EVENT, data: JSON.stringify(gap) }))
}

// The exception: moving the client's Last-Event-ID is what `$position` is for.
export function positionFrame(id: string): Buffer {
  return Buffer.from(encodeSseFrame({ id, event: POSITION_EVENT, data: JSON.stringify({ lastEventId: id }) }))
}

const closeFrames = new Map<CloseReason, Buffer>()
/**
 * `$close`. Given the base delay (`retryMs`), a reason whose reconnect window
 * is not "at once" also carries a `retry:` drawn from that window: native
 * EventSource waits exactly its last `retry:`, so the draw is what spreads
 * those clients out when a gateway closes every stream at once.
 */
export function closeFrame(reason: CloseReason, retryMs?: number): Buffer {
  const retry = retryMs === undefined ? 0 : reconnectDelay(reason, retryMs)
  const data = JSON.stringify({ reason })
  if (retry > 0) return Buffer.from(encodeSseFrame({ retry, event: CLOSE_EVENT, data }))
  let frame = closeFrames.get(reason)
  if (!frame) closeFrames.set(reason, (frame = Buffer.from(encodeSseFrame({ event: CLOSE_EVENT, data }))))
  return frame
}
