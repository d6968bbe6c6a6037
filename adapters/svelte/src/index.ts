export { realtime } from "./realtime.ts"
export type { ConnectionStatus, Snapshot, SubscribeOptions, TokenSource } from "@conduit/client"
