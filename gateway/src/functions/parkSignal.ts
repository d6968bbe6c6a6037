import type { RunWaiting } from "@conduit/shared"

/**
 * Thrown by `step.sleep` and `step.waitForEvent` to end an execution that
 * must wait: the queue runs the handler again at `until` (or when an event or
 * a cancel wakes it), and memoized steps return their results. A handler
 * that catches it is still parked: every later step throws it again.
 */
export class ParkSignal extends Error {
  constructor(
    readonly until: number,
    readonly waiting: RunWaiting,
  ) {
    super(`parked on step "${waiting.step}" until ${waiting.until}`)
    this.name = "ParkSignal"
  }
}
