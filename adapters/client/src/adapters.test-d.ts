// Type-level tests of the snapshot all three adapters return: checked by `npm run typecheck` (tsc).
import { channel, type ClientSubscriptionToken } from "@conduit/shared"
import { useRealtime as useReact } from "@conduit/react"
import { realtime } from "@conduit/svelte"
import { useRealtime as useVue } from "@conduit/vue"
import { get } from "svelte/store"
import { expectTypeOf } from "vitest"
import { z } from "zod"
import { subscribe } from "./subscribe.ts"
import type { Snapshot } from "./types.ts"

const pipeline = channel({
  name: "pipeline:{runId}",
  topics: {
    status: { schema: z.object({ message: z.string() }) },
    tokens: { schema: z.object({ token: z.string() }) },
    length: { schema: z.string().transform((s) => s.length) },
  },
})
const options = { url: "", channel: pipeline({ runId: "r" }), topics: ["status", "length"] as const }

const fromReact = useReact(options)
const fromVue = useVue(options).value
const fromSvelte = get(realtime(options))
const fromClient = subscribe(options).getSnapshot()

// Identical snapshot types in the core and all three adapters.
expectTypeOf(fromVue).toEqualTypeOf(fromReact)
expectTypeOf(fromSvelte).toEqualTypeOf(fromReact)
expectTypeOf(fromClient).toEqualTypeOf(fromReact)

// Data typed by the topic schema's output.
expectTypeOf(fromReact.messages.byTopic.status?.[0]?.data.message).toEqualTypeOf<string | undefined>()
expectTypeOf(fromReact.messages.byTopic.length?.[0]?.data).toEqualTypeOf<number | undefined>()
// `all` is discriminated by topic.
const m = fromReact.messages.all[0]!
if (m.topic === "status") expectTypeOf(m.data).toEqualTypeOf<{ message: string }>()
else expectTypeOf(m.data).toEqualTypeOf<number>()

// A topic that was not subscribed to, or does not exist, is a type error.
// @ts-expect-error "tokens" is not among the topics asked for
fromReact.messages.byTopic.tokens
// @ts-expect-error no such topic on the channel
useReact({ url: "", channel: pipeline({ runId: "r" }), topics: ["nope"] })
// @ts-expect-error no such topic on the channel
useVue({ url: "", channel: pipeline({ runId: "r" }), topics: ["nope"] })
// @ts-expect-error no such topic on the channel
realtime({ url: "", channel: pipeline({ runId: "r" }), topics: ["nope"] })

// Without `topics`, every topic of the channel.
expectTypeOf(useReact({ url: "", channel: pipeline({ runId: "r" }) }).messages.byTopic.tokens?.[0]?.data.token).toEqualTypeOf<
  string | undefined
>()
// A channel by name: untyped data, any topic.
expectTypeOf(useReact({ url: "", channel: "plain" }).messages.all[0]!.data).toEqualTypeOf<unknown>()
expectTypeOf<Snapshot["runStatus"]>().toEqualTypeOf<"unknown" | "running" | "waiting" | "completed" | "failed" | "cancelled">()

// Streams: chunks typed by the topic schema's output, discriminated by topic, the same in every adapter.
const streamOptions = { url: "", channel: pipeline({ runId: "r" }), topics: ["tokens", "length"] as const }
const stream = useReact(streamOptions).messages.streams["s1"]
expectTypeOf(useVue(streamOptions).value.messages.streams).toEqualTypeOf(useReact(streamOptions).messages.streams)
expectTypeOf(get(realtime(streamOptions)).messages.streams).toEqualTypeOf(useReact(streamOptions).messages.streams)
if (stream?.topic === "tokens") expectTypeOf(stream.chunks[0]).toEqualTypeOf<{ token: string } | undefined>()
if (stream?.topic === "length") expectTypeOf(stream.chunks).toEqualTypeOf<readonly number[]>()
expectTypeOf(stream?.text).toEqualTypeOf<string | undefined>()
expectTypeOf(stream?.done).toEqualTypeOf<boolean | undefined>()
// Inngest v4's reading of byTopic: the newest message of the topic, typed.
expectTypeOf(fromReact.messages.byTopic.status?.data.message).toEqualTypeOf<string | undefined>()
expectTypeOf(fromVue.messages.byTopic.length?.data).toEqualTypeOf<number | undefined>()
// Inngest's result fields beside the snapshot, in every adapter.
expectTypeOf(fromSvelte.isPaused).toEqualTypeOf<boolean>()
expectTypeOf(fromVue.pauseReason).toEqualTypeOf<"hidden" | "disabled" | null>()
expectTypeOf(fromClient.reset).toEqualTypeOf<() => void>()
// A token object in place of `url` (getClientSubscriptionToken), and Inngest's options.
declare function getRealtimeToken(runId: string): Promise<ClientSubscriptionToken>
const topics = ["status", "tokens"] as const
const inngestStyle = useReact({
  channel: pipeline({ runId: "r" }),
  topics,
  token: () => getRealtimeToken("r"),
  key: "k",
  enabled: true,
  bufferInterval: 0,
  validate: true,
  historyLimit: null,
  reconnect: true,
  reconnectMinMs: 250,
  reconnectMaxMs: 5000,
  pauseOnHidden: true,
  autoCloseOnTerminal: true,
})
expectTypeOf(inngestStyle.messages.byTopic.tokens?.data.token).toEqualTypeOf<string | undefined>()
// The same options in Vue and Svelte.
const inngestOptions = { channel: pipeline({ runId: "r" }), topics, token: () => getRealtimeToken("r"), key: "k", pauseOnHidden: false, historyLimit: null }
expectTypeOf(useVue(inngestOptions).value.messages.byTopic.status?.data.message).toEqualTypeOf<string | undefined>()
expectTypeOf(get(realtime(inngestOptions)).messages.byTopic.status?.data.message).toEqualTypeOf<string | undefined>()
