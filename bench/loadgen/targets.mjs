// How the load generator talks to each kind of server: subscribe path,
// publish request for one message or a batch.

const json = JSON.stringify

export const targets = {
  /** The Conduit gateway: envelope, topic filter, batch `{messages:[…]}`. */
  conduit: {
    subPath: (topic) => `/v1/subscribe?channel={channel}&topics=${encodeURIComponent(topic)}`,
    requestOf: (items, channelName, topic) => {
      const one = (it) => `{"channel":${json(channelName(it.channel))},"topic":${json(topic)},"data":${it.data}}`
      return {
        path: "/v1/publish",
        body: items.length === 1 ? one(items[0]) : `{"messages":[${items.map(one).join(",")}]}`,
      }
    },
  },
  /** bench/baseline/server.mjs (and fanout.mjs's "raw" servers): data is the whole body. */
  baseline: {
    subPath: () => "/sub?channel={channel}",
    requestOf: (items, channelName) =>
      items.length === 1
        ? { path: `/pub?channel=${encodeURIComponent(channelName(items[0].channel))}`, body: items[0].data }
        : { path: "/pubs", body: `[${items.map((it) => `{"channel":${json(channelName(it.channel))},"data":${it.data}}`).join(",")}]` },
  },
}
