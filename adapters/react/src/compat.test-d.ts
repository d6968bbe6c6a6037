// Type-level tests of the v3 compat hook: checked by `npm run typecheck` (tsc).
import { channel, type Realtime } from "@conduit/shared"
import { expectTypeOf } from "vitest"
import { z } from "zod"
import { useInngestSubscription } from "./compat.ts"

const userChannel = channel({ name: "user:{userId}", topics: { ai: { schema: z.string() }, usage: { schema: z.number() } } })
type UserChannelToken = Realtime.Token<typeof userChannel, ["ai"]>
declare function fetchRealtimeSubscriptionToken(): Promise<UserChannelToken>

const { data, latestData, freshData, error, state } = useInngestSubscription({ refreshToken: fetchRealtimeSubscriptionToken })
// Typed by the channel the token type names, for the topics it grants.
expectTypeOf(data[0]!.data).toEqualTypeOf<string>()
expectTypeOf(data[0]!.topic).toEqualTypeOf<"ai">()
expectTypeOf(latestData).toEqualTypeOf<(typeof data)[number] | null>()
expectTypeOf(freshData).toEqualTypeOf(data)
expectTypeOf(error).toEqualTypeOf<Error | null>()
expectTypeOf(state).toEqualTypeOf<"closed" | "error" | "refresh_token" | "connecting" | "active" | "closing">()

// A token minted for a bare name: untyped data.
declare function plainToken(): Promise<Realtime.Token<string, ["ai"]>>
expectTypeOf(useInngestSubscription({ refreshToken: plainToken }).data[0]!.data).toEqualTypeOf<unknown>()
