#!/usr/bin/env node
// `npm run bench`: every scenario against the Conduit gateway and the minimal
// Node SSE baseline, side by side in one run; one table on stdout, JSON and
// an SVG chart under bench/results/. See README.md.
import { existsSync, mkdirSync, writeFileSync } from "node:fs"
import { cpus, release } from "node:os"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { USE_SOURCES_FLAG } from "../scripts/sources.mjs"
import { renderChart } from "./lib/chart.mjs"
import { runJson } from "./lib/processes.mjs"
import { hasNchan, startBaseline, startConduit, startNchan, startRedis } from "./lib/servers.mjs"
import { fromFanout, fromLoadgen, fromStorm, summarize } from "./lib/summary.mjs"
import { formatStormTable, formatTable } from "./lib/table.mjs"
import { scenarios } from "./scenarios.mjs"

const here = fileURLToPath(new URL(".", import.meta.url))

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    redis: { type: "boolean", default: false },
    fanout: { type: "boolean", default: false },
    "fanout-script": { type: "string" },
    repeat: { type: "string" },
    only: { type: "string" },
    "no-save": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
})
if (args.help) {
  console.log(`npm run bench [-- options]
  --quick        fewer messages, one repeat (about 2 minutes)
  --repeat N     runs per scenario and server; medians are reported (default 1 quick, 3 full)
  --only IDS     comma-separated scenario ids (${scenarios(true, true).map((s) => s.id).join(", ")})
  --fanout       also drive the same scenarios with ../shared/bench/fanout.mjs
  --fanout-script PATH  where fanout.mjs is (default ../shared/bench/fanout.mjs beside the checkout; a worktree elsewhere needs it)
  --redis        also run the gateway on a throwaway redis-server (CONDUIT_REDIS_URL), beside memory mode,
                 and the resume storm (1,000 resumes of a 1,000-message history while publishing elsewhere)
  --no-save      print the table only; nothing written to bench/results/`)
  process.exit(0)
}
const FANOUT = args["fanout-script"] ?? fileURLToPath(new URL("../../shared/bench/fanout.mjs", import.meta.url))
const repeat = Math.max(1, Number(args.repeat ?? (args.quick ? 1 : 3)))
const only = args.only ? new Set(args.only.split(",")) : null
const plan = scenarios(args.quick, args.redis).filter((s) => !only || only.has(s.id))
if (args.fanout && !existsSync(FANOUT)) {
  console.error(`--fanout: ${FANOUT} not found`)
  process.exit(2)
}

/** The servers each scenario runs against; the first baseline is the one ratios use. */
function serversFor(scenario, redis) {
  const list = [{ name: "conduit", start: () => startConduit({}), loadgen: "conduit", fanout: "conduit" }]
  if (redis) list.push({ name: "conduit (redis)", start: () => startConduit({ redis }), loadgen: "conduit", fanout: "conduit" })
  if (scenario.kind === "storm") return list // the baseline keeps no history to resume from
  if (scenario.via) return list // the SDK and NDJSON are Conduit's own: their target is absolute
  list.push({ name: "baseline (socket)", start: () => startBaseline("socket"), loadgen: "baseline", fanout: "raw" })
  if (!args.quick && scenario.kind === "fanout" && scenario.subs >= 10000 && scenario.channels === 1) {
    list.push({ name: "baseline (res.write)", start: () => startBaseline("res"), loadgen: "baseline", fanout: "raw" })
  }
  // nchan speaks the baseline's /sub and /pub (one message per request: no batch endpoint); skipped where nginx is not installed.
  if (hasNchan() && scenario.batch === 1 && (scenario.kind === "fanout" || scenario.id === "pub-single")) {
    list.push({ name: "nginx + nchan", start: () => startNchan(), loadgen: "baseline", fanout: "nchan" })
  }
  return list
}

/** `--flag value` for each defined value, then the signing key (`--key=…`: base64url keys may start with "-"). */
function withFlags(argv, flags, key) {
  for (const [flag, v] of Object.entries(flags)) if (v !== undefined) argv.push(`--${flag}`, v)
  if (key) argv.push(`--key=${key}`)
  return argv.map(String)
}

function loadgenArgv(s, server, target) {
  // The SDK publisher imports the gateway package from its sources.
  const node = s.via === "sdk" ? ["node", USE_SOURCES_FLAG, "--import", "tsx"] : ["node"]
  return withFlags(
    [...node, `${here}loadgen/loadgen.mjs`, "--target", target.loadgen, "--port", server.port, "--pid", server.pids.join(",")],
    { subs: s.subs, channels: s.channels, msgs: s.msgs, rate: s.rate, batch: s.batch, payload: s.payload, settle: s.settle, lanes: s.lanes, depth: s.depth, via: s.via },
    server.key,
  )
}

function stormArgv(s, server) {
  return withFlags(
    ["node", `${here}loadgen/resumeStorm.mjs`, "--port", server.port, "--pid", server.pids[0]],
    { history: s.history, resumes: s.resumes, payload: s.payload, bystanders: s.bystanders, "bystander-channels": s.channels, rate: s.rate },
    server.key,
  )
}

// fanout.mjs presents the signing key itself as the subscribe credential (no tokens).
function fanoutArgv(s, server, target) {
  return withFlags(
    ["node", FANOUT, "--mode", target.fanout, "--port", server.port, "--pid", server.pids.join(","), "--quiet"],
    { subs: s.subs, channels: s.channels, msgs: s.msgs, rate: s.rate, batch: s.batch, payload: s.payload, settle: s.settle, "pub-conns": s.lanes, pipeline: s.depth },
    server.key,
  )
}

/**
 * A short unmeasured round first, so both servers are measured with warm JIT
 * code (a long-running gateway's state), not a cold start.
 */
const warmup = (s) => ({ ...s, subs: Math.min(s.subs, 10), channels: 1, msgs: s.kind === "publish" ? 20_000 : 2000, rate: 0, settle: 0 })

async function measure(s, target, harness, rep) {
  const server = await target.start()
  try {
    if (s.kind !== "storm") await runJson(loadgenArgv(warmup(s), server, target), { timeoutMs: 60_000 })
    const argv = s.kind === "storm" ? stormArgv(s, server) : harness === "loadgen" ? loadgenArgv(s, server, target) : fanoutArgv(s, server, target)
    const j = await runJson(argv, { timeoutMs: 300_000 })
    const run = s.kind === "storm" ? fromStorm(j) : harness === "loadgen" ? fromLoadgen(j) : fromFanout(j)
    const failures = run.lost + run.duplicated + run.reordered + run.failedConnects + run.publishErrors + (run.storm?.bystanderDisconnects ?? 0) + (run.storm?.resumesIncomplete ?? 0)
    const flags = failures ? "  CHECK FAILED" : ""
    console.error(`  ${s.id.padEnd(11)} ${target.name.padEnd(22)} ${harness.padEnd(7)} #${rep}: ${Math.round(run.perS ?? 0).toLocaleString("en-US")}/s, p50 ${run.p50} p99 ${run.p99} ms, srv ${run.serverCpuPct}% (${run.endedBy})${flags}`)
    return run
  } finally {
    await server.stop()
  }
}

async function main() {
  const started = new Date()
  let redis = null
  if (args.redis) {
    redis = await startRedis()
    if (!redis) {
      console.error("--redis: not available: could not start redis-server (is it installed?)")
      process.exit(2)
    }
    try {
      const probe = await startConduit({ redis })
      await probe.stop()
    } catch (error) {
      await redis.stop()
      console.error(`--redis: the gateway did not start with CONDUIT_REDIS_URL.\n${String(error.message).split("\n").slice(-3).join("\n")}`)
      process.exit(2)
    }
  }
  const harnesses = args.fanout ? ["loadgen", "fanout"] : ["loadgen"]
  console.error(`conduit bench: ${args.quick ? "quick" : "full"} mode, ${repeat} repeat(s), ${plan.length} scenarios, harness ${harnesses.join(" + ")}`)
  const rows = []
  try {
    for (const s of plan) {
      for (const harness of s.kind === "storm" || s.via ? ["loadgen"] : harnesses) {
        const targets = serversFor(s, redis)
        const runs = targets.map(() => [])
        // Alternate servers within each repeat, so drift on a shared box hits both alike.
        for (let rep = 1; rep <= repeat; rep++) {
          for (let i = 0; i < targets.length; i++) runs[i].push(await measure(s, targets[i], harness, rep))
        }
        const group = targets.map((t, i) => ({ ...summarize(s, t.name, harness, runs[i]), target: s.target ?? null }))
        const base = group.find((r) => r.server.startsWith("baseline"))
        const nchan = group.find((r) => r.server === "nginx + nchan")
        for (const r of group) {
          const peer = r.server.startsWith("baseline") || r === nchan
          r.ratio = peer || !base?.perS ? null : r.perS / base.perS
          r.nchanRatio = peer || !nchan?.perS ? null : r.perS / nchan.perS
        }
        rows.push(...group)
      }
    }
  } finally {
    await redis?.stop()
  }
  const storms = rows.filter((r) => r.kind === "storm")
  const table = formatTable(rows.filter((r) => r.kind !== "storm")) + (storms.length ? `\n\nresume storm:\n${formatStormTable(storms)}` : "")
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`
  console.log(`\n$ ${command}\n${table}\n`)
  console.log("deliveries/s = unique deliveries ÷ (last delivery − first publish); publish rows: 1 subscriber, so messages/s end to end.")
  console.log("× base = conduit ÷ baseline (socket) in this run, × nchan = conduit ÷ nginx + nchan (1 worker; column absent without nginx).")
  console.log("cpu = % of one core in the publish window; box % = both cores busy.")
  if (args["no-save"]) return
  const stamp = started.toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-")
  const dir = `${here}results`
  mkdirSync(dir, { recursive: true })
  const base = `${dir}/run-${stamp}${args.quick ? "-quick" : ""}`
  const machine = { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, kernel: release() }
  const record = { tool: "conduit-bench", version: 1, command, started: started.toISOString(), finished: new Date().toISOString(), quick: args.quick, repeat, machine, scenarios: plan, rows, table }
  writeFileSync(`${base}.json`, `${JSON.stringify(record, null, 1)}\n`)
  writeFileSync(`${base}.svg`, renderChart(rows.filter((r) => r.kind !== "storm"), { title: `Conduit fan-out bench, ${started.toISOString().slice(0, 16)}Z, ${machine.cpus} cores, ${args.quick ? "quick" : "full"}` }))
  console.log(`results: ${base}.json, ${base}.svg`)
}

main().catch((error) => {
  console.error(`bench failed: ${error.stack ?? error}`)
  process.exit(1)
})
