// `id:` lines of whole frames, except the `$position` frame every stream opens
// with (the encoder writes `id` before `event`): the ids of messages, as received.
const MESSAGE_ID_LINE = /^id: (.+)\n(?!event: \$position\n)/gm

/** Appends the message ids in `text` (whole frames only) to `ids`. */
export function pushMessageIds(text: string, ids: string[]): void {
  for (const m of text.matchAll(MESSAGE_ID_LINE)) ids.push(m[1]!)
}
