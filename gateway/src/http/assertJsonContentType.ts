import { ConduitError, ErrorCode } from "@conduit/shared"

const JSON_TYPE = /^application\/json\s*(?:;|$)/i
const CHARSET = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i

/**
 * `Content-Type: application/json`, in UTF-8 (the only charset JSON travels
 * in, RFC 8259 §8.1) when a charset is named; else `415 ERR_UNSUPPORTED_MEDIA_TYPE`.
 */
export function assertJsonContentType(header: string | undefined): void {
  if (header === undefined || !JSON_TYPE.test(header.trim())) {
    throw new ConduitError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send Content-Type: application/json")
  }
  assertUtf8Charset(header)
}

/** A `charset` parameter, when there is one, must name UTF-8: `415 ERR_UNSUPPORTED_MEDIA_TYPE` else. */
export function assertUtf8Charset(header: string): void {
  const match = CHARSET.exec(header)
  const charset = (match?.[1] ?? match?.[2])?.toLowerCase()
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    throw new ConduitError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `unsupported charset "${charset}": JSON is sent as UTF-8`, { details: { charset } })
  }
}
