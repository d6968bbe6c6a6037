import { type ChannelInstance, ConduitError, ErrorCode } from "@conduit/shared"
import type { Credential } from "./resolveToken.ts"
import type { SubscribeOptions } from "./types.ts"

/** Where one connect goes. */
export interface ConnectTarget {
  url: string
  /** The options' channel (typed: its schemas check messages), else the name the token object gives. */
  channel: ChannelInstance<any> | string
  topics: readonly string[] | undefined
}

/**
 * The options decide; a token object fills in what they leave out (the
 * gateway's URL, the channel and topics). ERR_CONFIG when neither names a
 * gateway or a channel.
 */
export function connectTarget(options: SubscribeOptions<any, any>, credential: Credential): ConnectTarget {
  const url = options.url ?? credential.apiBaseUrl
  if (url === undefined) {
    throw new ConduitError(ErrorCode.CONFIG, "no gateway URL: pass url, or a token object that carries apiBaseUrl (getClientSubscriptionToken)")
  }
  const channel = options.channel ?? credential.channel
  if (channel === undefined) {
    throw new ConduitError(ErrorCode.CONFIG, "no channel: pass channel, or a token object that names one (getSubscriptionToken)")
  }
  return { url, channel, topics: options.topics ?? credential.topics }
}
