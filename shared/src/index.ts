export { channel } from "./channel.ts"
export type {
  ChannelDefinition,
  ChannelInstance,
  ChannelMessage,
  TemplateParams,
  TopicConfig,
  TopicInput,
  TopicName,
  TopicOutput,
  TopicRef,
  TopicRefs,
  TopicsConfig,
} from "./channel.ts"
export { Realtime, realtime } from "./realtime.ts"
export { isChannelToken } from "./realtimeToken.ts"
export type { ChannelSubscriptionToken, ClientSubscriptionToken, TokenChannelConfigs, TokenValue } from "./realtimeToken.ts"
export { ConduitError, isConduitError } from "./ConduitError.ts"
export type { ErrorDetails } from "./ConduitError.ts"
export { ErrorCode, httpStatusOf, retryableCodes } from "./errorCodes.ts"
export { CLOSE_EVENT, ERROR_EVENT, GAP_EVENT, POSITION_EVENT, RUN_EVENT, RUN_TOPIC } from "./controlEvents.ts"
export type { CloseEventData, CloseReason, ErrorEventData, GapEventData, PositionEventData } from "./controlEvents.ts"
export type { Envelope, PublishInput, RunEventData, RunStatus, RunWaiting } from "./envelope.ts"
export { CHANNEL_NAME_MAX, DEFAULTS, TOPIC_NAME_MAX } from "./limits.ts"
export { compareIds, formatId, ID_ZERO, isValidId, nextId, parseId } from "./messageId.ts"
export type { ParsedId } from "./messageId.ts"
export { assertChannelName, assertTopicName, isValidChannelName, isValidTopicName } from "./names.ts"
export { reconnectDelay, reconnectWindow } from "./reconnectWindow.ts"
export { encodeSseFrame } from "./sseFrame.ts"
export type { SseFrame } from "./sseFrame.ts"
export { checkStreamTag, endsStream, isStreamMarker, STREAM_ID_MAX, STREAM_TAKE_MAX } from "./streamTag.ts"
export type { StreamTag } from "./streamTag.ts"
export { TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER } from "./tokenClaims.ts"
export type { SubscriptionToken, SubscriptionTokenClaims } from "./tokenClaims.ts"
export { topicRefOf } from "./topicRefOf.ts"
export { validateData } from "./validateData.ts"
export type { ValidationIssue, ValidationResult } from "./validateData.ts"
