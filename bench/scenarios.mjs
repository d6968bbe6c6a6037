// What `npm run bench` measures. Each scenario runs against a fresh Conduit
// gateway and a fresh baseline server, with the same load generator.

/**
 * @typedef {object} Scenario
 * @property {string} id
 * @property {string} title
 * @property {"fanout"|"publish"|"storm"} kind  publish scenarios report messages/s instead of deliveries/s;
 *   storm scenarios run loadgen/resumeStorm.mjs (resumes of one full channel while bystanders listen elsewhere)
 * @property {number} subs
 * @property {number} channels
 * @property {number} msgs
 * @property {number} rate     msgs/s; 0 = as fast as the server acknowledges
 * @property {number} batch    messages per publish request
 * @property {number} payload  approx. bytes of message data
 * @property {number} settle   ms between connected and publishing (RSS is read at its end)
 * @property {number} [depth]  pipelined requests per publisher connection
 * @property {number} [lanes]  publisher connections
 * @property {"sdk"|"ndjson"} [via]  publish through the Conduit SDK (its coalescer) or one NDJSON request; conduit only
 * @property {number} [target] msgs/s the row must reach (an absolute target: there is no baseline to divide by)
 * @property {number} [resumes]    storm: subscribers resuming the full channel at once
 * @property {number} [history]    storm: messages in that channel's history
 * @property {number} [bystanders] storm: live subscribers of other channels (over `channels` channels), published to at `rate`
 */

/**
 * @param {boolean} quick
 * @param {boolean} [redis] with --redis: the resume storm too (what a Redis-backed node must survive)
 */
export function scenarios(quick, redis = false) {
  const q = (quickValue, fullValue) => (quick ? quickValue : fullValue)
  return /** @type {Scenario[]} */ ([
    { id: "fan-1k", title: "1,000 subs, 1 channel", kind: "fanout", subs: 1000, channels: 1, msgs: q(500, 2000), rate: 0, batch: 1, payload: 256, settle: 500 },
    { id: "fan-10k", title: "10,000 subs, 1 channel", kind: "fanout", subs: 10000, channels: 1, msgs: q(100, 250), rate: 0, batch: 1, payload: 256, settle: 3000 },
    { id: "spread-10k", title: "10,000 subs, 1,000 channels", kind: "fanout", subs: 10000, channels: 1000, msgs: q(10000, 20000), rate: 0, batch: 1, payload: 256, settle: 1000, lanes: 4, depth: 4 },
    { id: "lat-1k@20", title: "1,000 subs × 20 msg/s", kind: "fanout", subs: 1000, channels: 1, msgs: q(200, 400), rate: 20, batch: 1, payload: 256, settle: 500 },
    { id: "pub-single", title: "publish 10,000, unbatched", kind: "publish", subs: 1, channels: 1, msgs: 10000, rate: 0, batch: 1, payload: 64, settle: 200, lanes: 1, depth: 8 },
    { id: "pub-batch", title: "publish 10,000, batches of 1,000", kind: "publish", subs: 1, channels: 1, msgs: 10000, rate: 0, batch: 1000, payload: 64, settle: 200, lanes: 1, depth: 2 },
    { id: "pub-sdk", title: "SDK publish 100,000, coalesced", kind: "publish", subs: 10, channels: 10, msgs: 100_000, rate: 0, batch: 1, payload: 64, settle: 200, via: "sdk", target: 100_000 },
    { id: "pub-ndjson", title: "NDJSON ingest, one request", kind: "publish", subs: 10, channels: 10, msgs: q(150_000, 300_000), rate: 0, batch: 1, payload: 64, settle: 200, via: "ndjson", target: 150_000 },
    ...(redis
      ? [{ id: "resume-storm", title: "1,000 resumes of 1,000 msgs", kind: "storm", subs: 0, channels: 10, msgs: 0, rate: 200, batch: 1, payload: 256, settle: 0, resumes: 1000, history: 1000, bystanders: 100 }]
      : []),
  ])
}
