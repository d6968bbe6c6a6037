export { subscribe } from "./subscribe.ts"
export { optionsKey } from "./optionsKey.ts"
export { backoffDelay } from "./backoffDelay.ts"
export type {
  AnyMessageOf,
  ConnectionStatus,
  Messages,
  MessageOf,
  RealtimeSubscription,
  Snapshot,
  SubscribeOptions,
  TokenSource,
  TopicsOf,
} from "./types.ts"
