import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client"

/** Counters kept as plain numbers on the hot path and read when scraped. */
export interface HotCounters {
  delivered: number
  replayed: number
}

export interface MetricsSources {
  connections: () => number
  channels: () => number
  hot: HotCounters
}

export type Metrics = ReturnType<typeof createMetrics>

/**
 * Prometheus metrics on a registry of this gateway's own (several gateways can
 * live in one process). Per-delivery counts are summed in plain numbers by the
 * fan-out and copied in at scrape time: nothing on the delivery path calls prom-client.
 */
export function createMetrics(sources: MetricsSources) {
  const registry = new Registry()
  // prom-client's default names already start with process_ and nodejs_: conduit_process_cpu_seconds_total.
  collectDefaultMetrics({ register: registry, prefix: "conduit_" })
  new Gauge({
    name: "conduit_connections",
    help: "Open SSE streams",
    registers: [registry],
    collect() {
      this.set(sources.connections())
    },
  })
  new Gauge({
    name: "conduit_channels",
    help: "Channels with at least one subscriber on this node",
    registers: [registry],
    collect() {
      this.set(sources.channels())
    },
  })
  const mirrored = (name: string, help: string, read: () => number) => {
    let reported = 0
    return new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const now = read()
        this.inc(now - reported)
        reported = now
      },
    })
  }
  mirrored("conduit_messages_delivered_total", "Messages written to subscribers (live)", () => sources.hot.delivered)
  mirrored("conduit_messages_replayed_total", "Messages written to subscribers from history", () => sources.hot.replayed)
  const published = new Counter({ name: "conduit_messages_published_total", help: "Messages accepted", registers: [registry] })
  const duplicates = new Counter({
    name: "conduit_messages_deduplicated_total",
    help: "Publishes answered from an idempotency key",
    registers: [registry],
  })
  const rejected = new Counter({
    name: "conduit_requests_rejected_total",
    help: "Requests refused, by error code",
    labelNames: ["code"],
    registers: [registry],
  })
  const streamsClosed = new Counter({
    name: "conduit_streams_closed_total",
    help: "Streams ended, by reason (slow_consumer counts slow-consumer drops)",
    labelNames: ["reason"],
    registers: [registry],
  })
  const publishSeconds = new Histogram({
    name: "conduit_publish_duration_seconds",
    help: "Publish request handling time",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  })
  return { registry, published, duplicates, rejected, streamsClosed, publishSeconds }
}
