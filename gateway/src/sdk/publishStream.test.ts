import { subscribe } from "@conduit/client"
import { channel } from "@conduit/shared"
import { simulateReadableStream, streamText } from "ai"
import { MockLanguageModelV3 } from "ai/test"
import { afterEach, describe, expect, it } from "vitest"
import { z } from "zod"
import { waitForSnapshot } from "../../../adapters/client/src/testing/clientTestKit.ts"
import { type RunningGateway, startGateway } from "../testing/startGateway.ts"
import { Conduit } from "./Conduit.ts"

const chat = channel({
  name: "chat:{id}",
  topics: {
    tokens: { schema: z.string() },
    parts: { schema: z.object({ n: z.number() }) },
  },
})
let gw: RunningGateway
let n = 0
afterEach(() => gw?.close())

/** A fetch that counts publish requests. */
function counting() {
  let publishes = 0
  const wrapped: typeof fetch = (input, init) => {
    if (String(input).endsWith("/v1/publish")) publishes++
    return fetch(input, init)
  }
  return { fetch: wrapped, publishes: () => publishes }
}

/** The given strings as an AsyncIterable, one chunk each. */
async function* strings(...chunks: string[]): AsyncGenerator<string> {
  yield* chunks
}

const historyOf = async (name: string) => (await gw.get(`/v1/channels/${name}/history`)).body.messages as Array<{ data: unknown; stream?: any }>

describe("conduit.publish(topicRef, stream)", () => {
  it("publishes a ReadableStream of strings as a stream: start, each chunk with its own id, end; the client assembles its text", async () => {
    gw = await startGateway()
    const counter = counting()
    const conduit = new Conduit({ url: gw.url, fetch: counter.fetch })
    const ch = chat({ id: String(++n) })
    const client = subscribe({ url: gw.url, channel: ch, topics: ["tokens"] })
    await waitForSnapshot(client, (s) => s.connectionStatus === "open")
    const words = Array.from({ length: 200 }, (_, i) => `w${i} `)
    const published = await conduit.publish(ch.tokens, new ReadableStream({ start: (c) => (words.forEach((w) => c.enqueue(w)), c.close()) }))
    expect(published).toMatchObject({ count: 200, text: words.join("") })
    expect(published.ids).toHaveLength(202)
    const snapshot = await waitForSnapshot(client, (s) => s.messages.streams[published.streamId]?.done === true)
    expect(snapshot.messages.streams[published.streamId]).toMatchObject({ text: words.join(""), count: 200, error: null, incomplete: false, topic: "tokens" })
    // The chunks are ordinary messages (markers are not), in messages.all with their stream tags.
    expect(snapshot.messages.all).toHaveLength(200)
    expect(snapshot.messages.all[5]!.stream).toEqual({ id: published.streamId, take: published.take, seq: 6 })
    const history = await historyOf(ch.name)
    expect(history[0]).toMatchObject({ data: null, stream: { id: published.streamId, seq: 0, start: true } })
    expect(history.at(-1)).toMatchObject({ data: null, stream: { seq: 201, end: true } })
    // Coalesced: far fewer requests than messages.
    expect(counter.publishes()).toBeLessThan(20)
    client.close()
  })

  it("validates each chunk of an AsyncIterable of JSON values; a bad chunk ends the stream with an error marker and throws", async () => {
    gw = await startGateway()
    const conduit = new Conduit({ url: gw.url })
    const ch = chat({ id: String(++n) })
    async function* parts() {
      yield { n: 1 }
      yield { n: 2 }
      yield { n: "three" } as unknown as { n: number }
      yield { n: 4 }
    }
    await expect(conduit.publish(ch.parts, parts(), { streamId: "p" })).rejects.toMatchObject({ code: "ERR_VALIDATION" })
    const history = await historyOf(ch.name)
    expect(history.map((m) => m.data)).toEqual([null, { n: 1 }, { n: 2 }, null])
    expect(history.at(-1)!.stream).toMatchObject({ id: "p", seq: 3, error: { code: "ERR_VALIDATION" } })
  })

  it("a source that fails ends the stream with ERR_STREAM_ABORTED; the client shows the error; an aborted signal does the same", async () => {
    gw = await startGateway()
    const conduit = new Conduit({ url: gw.url })
    const ch = chat({ id: String(++n) })
    async function* failing() {
      yield "a"
      throw new Error("the model went away")
    }
    await expect(conduit.publish(ch.tokens, failing(), { streamId: "f" })).rejects.toThrow("the model went away")
    const client = subscribe({ url: gw.url, channel: ch, topics: ["tokens"] })
    const snapshot = await waitForSnapshot(client, (s) => s.messages.streams.f?.done === true)
    expect(snapshot.messages.streams.f).toMatchObject({ text: "a", error: { code: "ERR_STREAM_ABORTED", message: "the model went away" } })
    client.close()

    const controller = new AbortController()
    async function* endless() {
      for (let i = 0; ; i++) {
        if (i === 3) controller.abort()
        yield `${i}`
        await new Promise((r) => setImmediate(r))
      }
    }
    await expect(conduit.publish(ch.tokens, endless(), { streamId: "g", signal: controller.signal })).rejects.toMatchObject({ code: "ERR_STREAM_ABORTED" })
    expect((await historyOf(ch.name)).at(-1)!.stream).toMatchObject({ id: "g", error: { code: "ERR_STREAM_ABORTED" } })
  })

  it("in-process ({ gateway }) the same way", async () => {
    gw = await startGateway()
    const conduit = new Conduit({ gateway: gw.gateway })
    const ch = chat({ id: String(++n) })
    const published = await conduit.publish(ch.tokens, strings("x", "y"))
    expect(published.text).toBe("xy")
  })

  it("conduit.realtime.publish (Inngest's name) takes a stream the same way", async () => {
    gw = await startGateway()
    const conduit = new Conduit({ url: gw.url })
    const ch = chat({ id: String(++n) })
    const published = await conduit.realtime.publish(ch.tokens, strings("p", "q"), { streamId: "r" })
    expect(published).toMatchObject({ streamId: "r", count: 2, text: "pq" })
    const history = await historyOf(ch.name)
    expect(history.map((m) => m.data)).toEqual([null, "p", "q", null])
    expect(history.at(-1)!.stream).toMatchObject({ id: "r", seq: 3, end: true })
  })
})

describe("with the Vercel AI SDK (offline: its mock model and simulateReadableStream)", () => {
  it("publish(ch.tokens, streamText(…).textStream) streams the model's text, token by token", async () => {
    gw = await startGateway()
    const conduit = new Conduit({ url: gw.url })
    const ch = chat({ id: String(++n) })
    const deltas = ["Hello", ", ", "world", "!"]
    const model = new MockLanguageModelV3({
      doStream: async () => ({
        stream: simulateReadableStream({
          chunks: [
            { type: "text-start" as const, id: "t1" },
            ...deltas.map((delta) => ({ type: "text-delta" as const, id: "t1", delta })),
            { type: "text-end" as const, id: "t1" },
            {
              type: "finish" as const,
              finishReason: { unified: "stop" as const, raw: "stop" },
              usage: {
                inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined },
                outputTokens: { total: 4, text: 4, reasoning: undefined },
              },
            },
          ],
        }),
      }),
    })
    const client = subscribe({ url: gw.url, channel: ch, topics: ["tokens"] })
    const result = streamText({ model, prompt: "Say hello" })
    const published = await conduit.publish(ch.tokens, result.textStream)
    expect(published.text).toBe("Hello, world!")
    const snapshot = await waitForSnapshot(client, (s) => s.messages.streams[published.streamId]?.done === true)
    expect(snapshot.messages.streams[published.streamId]!.chunks).toEqual(deltas)
    expect(snapshot.messages.streams[published.streamId]!.text).toBe("Hello, world!")
    client.close()
  })
})
