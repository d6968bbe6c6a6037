"use client"
export { useRealtime } from "./useRealtime.ts"
export type { ConnectionStatus, Snapshot, SubscribeOptions, TokenSource } from "@conduit/client"
