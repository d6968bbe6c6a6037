import { compareIds, isValidId } from "@conduit/shared"

/**
 * Where a subscription is in its channel: the id of the newest message it
 * applied. A reconnect resumes after it (`Last-Event-ID`), and it is the
 * dedupe bound: ids only grow, so an id at or below it (a replay that
 * overlaps what was received) was applied already.
 */
export class ResumePoint {
  lastId: string | null = null

  /** Whether a message with this id was applied already. Ids the gateway does not make are never taken for one. */
  seen(id: string): boolean {
    return this.lastId !== null && isValidId(id) && isValidId(this.lastId) && compareIds(id, this.lastId) <= 0
  }

  /** A message was applied. */
  advance(id: string): void {
    this.lastId = id
  }

  /**
   * `$position`: the stream carries everything after this id, so a reconnect
   * resumes there. It replaces the last id even when lower: after a `$gap` for a
   * resume point the channel never reached, the messages that follow are new.
   * False (nothing moved) for a value that is not an id.
   */
  moveTo(id: string | undefined): id is string {
    if (!isValidId(id)) return false
    this.lastId = id
    return true
  }
}
