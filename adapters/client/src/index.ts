export { subscribe } from "./subscribe.ts"
export { optionsKey } from "./optionsKey.ts"
export { backoffDelay } from "@conduit/shared"
// The reconnect rules, for other readers of a gateway stream (`conduit tail`).
export { type AttemptEnd, ReconnectSchedule, type ReconnectScheduleOptions } from "./reconnectSchedule.ts"
export { StreamRetry } from "./streamRetry.ts"
export { inngestSubscriptionOf } from "./inngestSubscription.ts"
export type { InngestSubscription, InngestSubscriptionState, TokenMessage } from "./inngestSubscription.ts"
export type {
  AnyMessageOf,
  ConnectionStatus,
  Messages,
  MessageOf,
  PauseReason,
  RealtimeSubscription,
  Snapshot,
  SubscribeOptions,
  TokenSource,
  TopicMessages,
  TopicsOf,
} from "./types.ts"
