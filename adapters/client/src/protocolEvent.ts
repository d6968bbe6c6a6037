import {
  CLOSE_EVENT,
  ConduitError,
  type Envelope,
  ERROR_EVENT,
  ErrorCode,
  GAP_EVENT,
  type GapEventData,
  parseJson,
  POSITION_EVENT,
  RUN_EVENT,
} from "@conduit/shared"
import type { EventSourceMessage } from "eventsource-parser"

/** What one frame of a subscribe stream says, read but not yet applied. */
export type ProtocolEvent =
  | { kind: "close" }
  | { kind: "gap"; gap: GapEventData }
  | { kind: "position"; id: string | undefined }
  /** `$error` from the gateway, or a frame that cannot be read. */
  | { kind: "error"; error: ConduitError }
  | { kind: "run"; envelope: Envelope }
  | { kind: "message"; envelope: Envelope }

/** Reads a frame: the control events (`$close`, `$gap`, `$position`, `$error`), a `$run` or a message. */
export function protocolEvent(event: EventSourceMessage): ProtocolEvent {
  switch (event.event) {
    case CLOSE_EVENT:
      return { kind: "close" }
    case GAP_EVENT:
      return { kind: "gap", gap: parseJson(event.data) as GapEventData }
    case POSITION_EVENT:
      return { kind: "position", id: event.id }
    case ERROR_EVENT: {
      const data = parseJson(event.data) as { code?: ErrorCode; message?: string } | undefined
      return { kind: "error", error: new ConduitError(data?.code ?? ErrorCode.PROTOCOL, data?.message ?? event.data) }
    }
  }
  const envelope = parseJson(event.data) as Envelope | undefined
  if (!envelope || typeof envelope.id !== "string" || typeof envelope.topic !== "string") {
    return { kind: "error", error: new ConduitError(ErrorCode.PROTOCOL, `unreadable ${event.event ?? "message"} frame`) }
  }
  return { kind: event.event === RUN_EVENT || envelope.kind === "run" ? "run" : "message", envelope }
}
