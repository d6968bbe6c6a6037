import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { parseJsonBody } from "./parseJsonBody.ts"

const codeOf = (body: string | Buffer) => {
  try {
    parseJsonBody(Buffer.isBuffer(body) ? body : Buffer.from(body))
    return "ok"
  } catch (error) {
    return (error as { code: string }).code
  }
}

describe("parseJsonBody", () => {
  it("keeps every JSON value that JSON.stringify writes (any string, any finite double)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: "binary" }), (value) => {
        const text = JSON.stringify({ data: value })
        expect(parseJsonBody(Buffer.from(text))).toEqual(JSON.parse(text))
      }),
      { numRuns: 300 },
    )
  })

  it.each([
    ["1e400", "[1e400]"],
    ["-1E+400", '{"a":-1E+400}'],
    ["1e-400", "[1e-400]"],
    ["0.000…01 below the smallest double", `[0.${"0".repeat(400)}1]`],
    ["2^53 + 1", "[9007199254740993]"],
    ["a 20-digit integer", '{"id":12345678901234567890}'],
    ["a 400-digit integer", `[${"9".repeat(400)}]`],
    ["2^53 + 1 beside a 16-digit timestamp that is kept", '{"t":1764631234567890,"id":9007199254740993}'],
    ["1e400 5,000 arrays deep", `${"[".repeat(5000)}1e400${"]".repeat(5000)}`],
  ])("refuses %s with ERR_INVALID_JSON", (_name, text) => {
    expect(codeOf(text)).toBe("ERR_INVALID_JSON")
  })

  it.each([
    ["integers past 2^53 that come back with the same digits", "[9007199254740992,1152921504606846976,100000000000000000000,85453261502504500,1180591620717411303424]"],
    ["digits and exponents inside strings", '["12345678901234567890","1e400","\\"1e400\\"",{"k\\\\":"9007199254740993"}]'],
    ["big and tiny doubles", "[1.7976931348623157e308,5e-324,-0,0e-500,0.0]"],
    ["a decimal past double precision (rounded, as in JavaScript)", "[0.1000000000000000000001]"],
    ["16-digit microsecond timestamps below 2^53, beside zeros", '{"lgt":1764631234567890,"n":0,"m":[0,-0.0,1764631234567891]}'],
  ])("accepts %s", (_name, text) => {
    expect(codeOf(text)).toBe("ok")
  })

  it("refuses bytes that are not UTF-8, a top-level scalar and malformed JSON; skips a byte order mark", () => {
    expect(codeOf(Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d]))).toBe("ERR_INVALID_JSON")
    expect(codeOf('"just a string"')).toBe("ERR_INVALID_JSON")
    expect(codeOf("")).toBe("ERR_INVALID_JSON")
    expect(codeOf('{"a":')).toBe("ERR_INVALID_JSON")
    expect(parseJsonBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"é"}')]))).toEqual({ a: "é" })
  })
})
