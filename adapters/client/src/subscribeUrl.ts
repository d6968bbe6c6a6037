import type { ChannelInstance } from "@conduit/shared"

/** Channel name of a channel instance or a plain name. */
export function channelNameOf(channel: ChannelInstance<any> | string): string {
  return typeof channel === "string" ? channel : channel.name
}

/**
 * `GET /v1/subscribe` URL of one connect. The resume point goes in the
 * `Last-Event-ID` header (see `connectRequest`); only the very first connect's
 * starting point is a query parameter.
 */
export function subscribeUrl(
  base: string,
  channel: string,
  topics: readonly string[] | undefined,
  start: "all" | "none" | { after: string },
): string {
  const params = new URLSearchParams({ channel })
  if (topics && topics.length > 0) params.set("topics", topics.join(","))
  if (start === "all") params.set("replay", "all")
  else if (start !== "none") params.set("lastEventId", start.after)
  return `${base.replace(/\/+$/, "")}/v1/subscribe?${params}`
}
