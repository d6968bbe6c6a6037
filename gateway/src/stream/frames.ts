import { CLOSE_EVENT, type CloseReason, encodeSseFrame, GAP_EVENT, type GapEventData } from "@conduit/shared"
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

const closeFrames = new Map<CloseReason, Buffer>()
export function closeFrame(reason: CloseReason): Buffer {
  let frame = closeFrames.get(reason)
  if (!frame) closeFrames.set(reason, (frame = Buffer.from(encodeSseFrame({ event: CLOSE_EVENT, data: JSON.stringify({ reason }) }))))
  return frame
}
