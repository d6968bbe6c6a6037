export { subscribe } from "./subscribe.ts"
export { optionsKey } from "./optionsKey.ts"
export { backoffDelay } from "./backoffDelay.ts"
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
