import { ConduitError, ErrorCode } from "@conduit/shared"
import type { RunEvent } from "./RunStore.ts"

/** How `step.waitForEvent` picks its event: a path whose value must equal the triggering event's, or a predicate. */
export type EventMatch<TData = any> = string | ((event: RunEvent<TData>) => boolean)

/** The value at a dotted path (`"data.postId"`) of an event, undefined where the path leads nowhere. */
export function valueAt(event: RunEvent, path: string): unknown {
  let value: unknown = event
  for (const key of path.split(".")) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, key)) return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

/** Whether two JSON values are the same (both came through JSON, so their text compares). */
export const sameJson = (a: unknown, b: unknown): boolean => a !== undefined && JSON.stringify(a) === JSON.stringify(b)

/** The triggering event's value at a string `match` path: a wait on a path the event lacks could never match. */
export function expectedValue(trigger: RunEvent, path: string, stepId: string): unknown {
  const value = valueAt(trigger, path)
  if (value === undefined) {
    throw new ConduitError(ErrorCode.INVALID_BODY, `step "${stepId}": match "${path}" names nothing in the event that started the run`, {
      details: { stepId, match: path },
    })
  }
  return value
}
