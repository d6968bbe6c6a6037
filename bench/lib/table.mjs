// The one table `npm run bench` prints.

const int = (v) => (v === null || v === undefined ? "–" : Math.round(v).toLocaleString("en-US"))
const ms = (v) => (v === null || v === undefined ? "–" : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : Math.round(v).toString())
const kb = (v) => (v === null || v === undefined ? "–" : `${(v / 1000).toFixed(1)} KB`)

const COLUMNS = [
  ["scenario", (r) => r.title, "l"],
  ["server", (r) => r.server + (r.harness === "loadgen" ? "" : ` [${r.harness}]`), "l"],
  ["deliveries/s", (r) => int(r.perS), "r"],
  ["× base", (r) => (r.ratio === null ? "" : `${r.ratio.toFixed(2)}×`), "r"],
  ["× nchan", (r) => (r.nchanRatio === null || r.nchanRatio === undefined ? "" : `${r.nchanRatio.toFixed(2)}×`), "r"],
  ["p50 ms", (r) => ms(r.p50), "r"],
  ["p99 ms", (r) => ms(r.p99), "r"],
  ["lost/dup/reord", (r) => `${r.lost}/${r.duplicated}/${r.reordered}${r.failedConnects + r.publishErrors ? " !" : ""}`, "r"],
  ["RSS/idle conn", (r) => kb(r.bytesPerIdleConn), "r"],
  ["cpu srv/cli %", (r) => `${int(r.serverCpuPct)}/${int(r.clientCpuPct)}`, "r"],
  ["cli ELU", (r) => (r.clientElu === null ? "–" : r.clientElu.toFixed(2)), "r"],
  ["box %", (r) => int(r.machineBusyPct), "r"],
  ["target", (r) => (r.target ? `${r.perS >= r.target ? "met" : "MISSED"}: ≥ ${int(r.target)}/s` : ""), "l"],
]

/** Rows as a fixed-width text table. `ratio` is set by the caller (conduit ÷ same-scenario baseline). */
export function formatTable(rows) {
  return render(COLUMNS, rows)
}

/** Columns over rows, fixed width; a blank line between scenarios. */
function render(columns, rows) {
  const cells = rows.map((r) => columns.map(([, get]) => String(get(r))))
  const widths = columns.map(([head], i) => Math.max(head.length, ...cells.map((c) => c[i].length)))
  const line = (values) =>
    values.map((v, i) => (columns[i][2] === "l" ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ").trimEnd()
  const out = [line(columns.map(([head]) => head)), widths.map((w) => "-".repeat(w)).join("  ")]
  let previous = null
  for (let i = 0; i < rows.length; i++) {
    if (previous !== null && rows[i].scenario !== previous) out.push("")
    previous = rows[i].scenario
    out.push(line(cells[i]))
  }
  return out.join("\n")
}

const STORM_COLUMNS = [
  ["scenario", (r) => r.title, "l"],
  ["server", (r) => r.server, "l"],
  ["resumes ok/refused/short", (r) => `${int(r.storm.resumes - r.storm.resumesRefused)}/${r.storm.resumesRefused}/${r.storm.resumesIncomplete}`, "r"],
  ["replayed", (r) => int(r.storm.replayedFrames), "r"],
  ["storm s", (r) => r.storm.stormS.toFixed(1), "r"],
  ["bystanders cut", (r) => `${r.storm.bystanderDisconnects} of ${int(r.storm.bystanders)}`, "r"],
  ["their publishes failed", (r) => `${r.publishErrors} of ${int(r.storm.bystanderPublishes)}`, "r"],
  ["publish p99 ms", (r) => ms(r.p99), "r"],
  ["lost/dup", (r) => `${r.lost}/${r.duplicated}`, "r"],
]

/** The resume-storm rows, with their own columns (what must stay 0: refusals, cut bystanders, failed publishes, losses). */
export function formatStormTable(rows) {
  return render(STORM_COLUMNS, rows)
}
