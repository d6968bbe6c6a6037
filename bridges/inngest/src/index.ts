export { conduitMiddleware } from "./conduitMiddleware.ts"
export type { ConduitMiddlewareOptions, ConduitPublish } from "./conduitMiddleware.ts"
