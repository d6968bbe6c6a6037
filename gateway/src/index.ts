export { createGateway } from "./createGateway.ts"
export type { Gateway } from "./createGateway.ts"
export type { GatewayOptions } from "./config/GatewayOptions.ts"
export { optionsFromEnv } from "./config/optionsFromEnv.ts"
export { expressMessages } from "./http/expressMessages.ts"
export { createMemoryBroker } from "./broker/memoryBroker.ts"
export type { MemoryBrokerOptions } from "./broker/memoryBroker.ts"
export { createRedisBroker } from "./broker/redisBroker.ts"
export type { RedisBroker, RedisBrokerOptions } from "./broker/redisBroker.ts"
export type { Broker, BrokerInterruption, BrokerListener, PreparedMessage, PublishResult, ReadResult, StoredMessage } from "./broker/Broker.ts"
export { envelopeTail, messageJson, storeMessage } from "./broker/storedMessage.ts"
export type { MintTokenInput } from "./auth/createAuth.ts"
export { Conduit } from "./sdk/Conduit.ts"
export type { ConduitOptions, PublishOptions, TokenRequest } from "./sdk/Conduit.ts"
export { getClientSubscriptionToken, getSubscriptionToken } from "./sdk/subscriptionTokens.ts"
export type { TokenArgs } from "./sdk/subscriptionTokens.ts"
export { Realtime, realtime } from "@conduit/shared"
export type { ChannelSubscriptionToken, ClientSubscriptionToken } from "@conduit/shared"
export type { PublishRetryOptions } from "./sdk/publishRetry.ts"
export type { FunctionsRuntime, FunctionsRuntimeOptions } from "./functions/createFunctionsRuntime.ts"
export type {
  ConduitFunction,
  FunctionConfig,
  FunctionHandler,
  FunctionTrigger,
  HandlerContext,
  PublishMessage,
  RunPublish,
  SendEvent,
  Step,
  WaitForEventOptions,
} from "./functions/FunctionConfig.ts"
export type { BullmqRunQueueOptions } from "./functions/bullmqRunQueue.ts"
export type { EventMatch } from "./functions/eventMatch.ts"
export type { Duration } from "./functions/parseDuration.ts"
export { createMemoryRunStore } from "./functions/memoryRunStore.ts"
export { createRedisRunStore } from "./functions/redisRunStore.ts"
export type { RedisRunStore, RedisRunStoreOptions } from "./functions/redisRunStore.ts"
export type { MemoryRunStoreOptions } from "./functions/memoryRunStore.ts"
export type { RunError, RunEvent, RunPatch, RunRecord, RunState, RunStore, StepRecord, Waiter } from "./functions/RunStore.ts"
export { exponentialBackoff, isRetriable } from "./functions/retryPolicy.ts"
export type { BackoffOptions } from "./functions/retryPolicy.ts"
export {
  DEMO_EVENT,
  DEMO_FUNCTION_ID,
  DEMO_REVIEW_EVENT,
  DEMO_STATUS,
  demoExpectedRun,
  demoPipeline,
  registerDemoFunction,
} from "./functions/demo/generatePost.ts"
export type { DemoFunction, DemoFunctionOptions, DemoResult, DemoRunOutcome } from "./functions/demo/generatePost.ts"
