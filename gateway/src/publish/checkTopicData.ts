import { ConduitError, ErrorCode, type TopicRef, validateData } from "@conduit/shared"

type Schema = TopicRef["schema"]

/** Inputs the server SDK built and checked in this process, with the schema they passed. */
const checked = new WeakMap<object, Schema>()

/**
 * Checks a message's `data` against its topic's schema: ERR_VALIDATION with
 * the issues when it does not match. The one check of publishes, whether the
 * SDK makes it before sending or the gateway on arrival.
 */
export async function checkTopicData(schema: Schema, topic: string, data: unknown): Promise<void> {
  const result = await validateData(schema, data)
  if (!result.ok) {
    throw new ConduitError(ErrorCode.VALIDATION, `data does not match the schema of topic "${topic}"`, {
      details: { topic, issues: result.issues },
    })
  }
}

/**
 * Remembers that `input` (the very object, not a copy) passed `schema`: an
 * in-process gateway it reaches need not run the same schema on it again.
 */
export function markChecked(input: object, schema: Schema): void {
  checked.set(input, schema)
}

/** Whether `input` already passed `schema` in this process. */
export function passedAlready(input: object, schema: Schema): boolean {
  return checked.get(input) === schema
}
