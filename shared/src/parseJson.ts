/** `JSON.parse`, or undefined for text that is not JSON: for bodies and frames from elsewhere, which may be anything. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
