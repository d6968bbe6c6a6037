// Per-connection bookkeeping of one channel's sequence numbers: which
// arrived (a bitmap), which twice, which after a higher one.

/** How many of `msgs` messages, sent round-robin over `channels`, go to channel `c`. */
export function expectedOn(c, msgs, channels) {
  return c < msgs ? Math.floor((msgs - c - 1) / channels) + 1 : 0
}

export function createCheck(expected) {
  return { seen: new Uint8Array(expected), expected, unique: 0, duplicated: 0, reordered: 0, unexpected: 0, highest: -1 }
}

/** Notes channel sequence number `cs`; true when it is a first, expected arrival. */
export function note(check, cs) {
  if (cs < 0 || cs >= check.expected) {
    check.unexpected++
    return false
  }
  if (cs < check.highest) check.reordered++
  else check.highest = cs
  if (check.seen[cs] === 1) {
    check.duplicated++
    return false
  }
  check.seen[cs] = 1
  check.unique++
  return true
}
