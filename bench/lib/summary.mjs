// Reduces the load generator's JSON of each repeat to one table row.

export const median = (values) => {
  const v = values.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b)
  if (v.length === 0) return null
  const mid = v.length >> 1
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2
}

const sum = (values) => values.reduce((a, b) => a + (b ?? 0), 0)

/** One row: medians of the repeats for rates, latency, RSS and CPU; sums for every correctness counter. */
export function summarize(scenario, server, harness, runs) {
  const m = (pick) => median(runs.map(pick))
  return {
    scenario: scenario.id,
    title: scenario.title,
    kind: scenario.kind,
    server,
    harness,
    repeats: runs.length,
    perS: m((r) => r.perS),
    p50: m((r) => r.p50),
    p90: m((r) => r.p90),
    p99: m((r) => r.p99),
    max: m((r) => r.max),
    lost: sum(runs.map((r) => r.lost)),
    duplicated: sum(runs.map((r) => r.duplicated)),
    reordered: sum(runs.map((r) => r.reordered)),
    failedConnects: sum(runs.map((r) => r.failedConnects)),
    publishErrors: sum(runs.map((r) => r.publishErrors)),
    bytesPerIdleConn: scenario.subs >= 5000 ? m((r) => r.bytesPerIdleConn) : null,
    serverCpuPct: m((r) => r.serverCpuPct),
    serverSysPct: m((r) => r.serverSysPct),
    clientCpuPct: m((r) => r.clientCpuPct),
    clientElu: m((r) => r.clientElu),
    machineBusyPct: m((r) => r.machineBusyPct),
    scheduleLagP99: m((r) => r.scheduleLagP99),
    storm: scenario.kind === "storm" ? stormSummary(runs) : null,
    runs,
  }
}

/** A resume storm's own figures: medians of the times, sums of every failure. */
function stormSummary(runs) {
  return {
    resumes: median(runs.map((r) => r.storm.resumes)),
    resumesRefused: sum(runs.map((r) => r.storm.resumesRefused)),
    resumesIncomplete: sum(runs.map((r) => r.storm.resumesIncomplete)),
    replayedFrames: median(runs.map((r) => r.storm.replayedFrames)),
    stormS: median(runs.map((r) => r.storm.stormS)),
    bystanders: median(runs.map((r) => r.storm.bystanders)),
    bystanderDisconnects: sum(runs.map((r) => r.storm.bystanderDisconnects)),
    bystanderPublishes: median(runs.map((r) => r.storm.bystanderPublishes)),
  }
}

/** The fields kept from one loadgen/resumeStorm.mjs result: replay frames/s, bystanders' publish latency and losses. */
export function fromStorm(j) {
  return {
    perS: j.resumes.frames / (j.resumes.ms / 1000),
    p50: j.publishes.latencyMs.p50,
    p90: j.publishes.latencyMs.p90,
    p99: j.publishes.latencyMs.p99,
    max: j.publishes.latencyMs.max,
    lost: j.bystanders.lost,
    duplicated: j.bystanders.duplicated,
    reordered: 0,
    failedConnects: j.resumes.refused + j.bystanders.refused,
    publishErrors: j.publishes.failed,
    bytesPerIdleConn: null,
    serverCpuPct: j.server.cpuPct,
    serverSysPct: null,
    clientCpuPct: null,
    clientElu: null,
    machineBusyPct: null,
    scheduleLagP99: null,
    endedBy: "storm",
    storm: {
      resumes: j.resumes.answered200 + j.resumes.refused,
      resumesRefused: j.resumes.refused,
      resumesIncomplete: j.resumes.answered200 - j.resumes.complete,
      replayedFrames: j.resumes.frames,
      stormS: j.resumes.ms / 1000,
      bystanders: j.bystanders.count,
      bystanderDisconnects: j.bystanders.disconnects,
      bystanderPublishes: j.publishes.ok + j.publishes.failed,
    },
  }
}

/** The fields kept from one conduit-loadgen result. */
export function fromLoadgen(j) {
  return {
    perS: j.deliveries.perS,
    p50: j.latencyMs.p50,
    p90: j.latencyMs.p90,
    p99: j.latencyMs.p99,
    max: j.latencyMs.max,
    lost: j.deliveries.lost,
    duplicated: j.deliveries.duplicated,
    reordered: j.deliveries.reordered + j.deliveries.unexpected,
    failedConnects: j.connect.failed,
    publishErrors: j.publish?.errors ?? 0,
    bytesPerIdleConn: j.server.bytesPerIdleConn,
    serverCpuPct: j.cpu.serverPctOfCore,
    serverSysPct: j.cpu.serverSysPct,
    clientCpuPct: j.cpu.clientPctOfCore,
    clientElu: Math.max(...j.cpu.clientEluWorkers),
    machineBusyPct: j.cpu.machineBusyPct,
    scheduleLagP99: j.publish?.scheduleLagMs?.p99 ?? null,
    endedBy: j.deliveries.endedBy,
  }
}

/** The same fields from one ../shared/bench/fanout.mjs result. */
export function fromFanout(j) {
  return {
    perS: j.deliveries.per_s,
    p50: j.latency_ms.p50,
    p90: j.latency_ms.p90,
    p99: j.latency_ms.p99,
    max: j.latency_ms.max,
    lost: j.deliveries.lost,
    duplicated: j.deliveries.duplicated,
    reordered: j.deliveries.reordered + (j.deliveries.unexpected ?? 0),
    failedConnects: j.connect.failed,
    publishErrors: j.publish?.errors ?? 0,
    bytesPerIdleConn: j.server?.bytes_per_conn ?? null,
    serverCpuPct: j.cpu?.server_pct_of_core ?? null,
    serverSysPct: j.cpu?.server_sys_pct ?? null,
    clientCpuPct: j.cpu?.client_pct_of_core ?? null,
    clientElu: Math.max(...(j.cpu?.client_elu_workers ?? [0])),
    machineBusyPct: j.cpu?.system_busy_pct ?? null,
    scheduleLagP99: j.publish?.schedule_lag_ms?.p99 ?? null,
    endedBy: j.deliveries.ended_by,
  }
}
