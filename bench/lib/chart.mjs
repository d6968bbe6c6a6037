// A dependency-free SVG of one run: per scenario, throughput bars (scaled
// within the scenario) and latency p50/p90/p99 on a shared log axis.

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c])
const COLORS = { conduit: "#2563eb", "conduit (redis)": "#dc2626", "baseline (socket)": "#9ca3af", "baseline (res.write)": "#d1d5db" }
const colorOf = (row) => (row.harness === "loadgen" ? (COLORS[row.server] ?? "#6b7280") : "#f59e0b")

const LABEL_W = 250
const BAR_W = 280
const LAT_W = 380
const ROW_H = 18
const GAP = 16
const LAT_MIN = 0.1
const LAT_MAX = 2000

/** x position (0..LAT_W) of a latency on the log axis. */
const latX = (v) => {
  const c = Math.min(LAT_MAX, Math.max(LAT_MIN, v))
  return (Math.log10(c / LAT_MIN) / Math.log10(LAT_MAX / LAT_MIN)) * LAT_W
}

export function renderChart(rows, { title }) {
  const groups = new Map()
  for (const r of rows) groups.set(r.scenario, [...(groups.get(r.scenario) ?? []), r])
  const parts = []
  let y = 70
  const x0 = LABEL_W
  const x1 = LABEL_W + BAR_W + 40
  for (const [, group] of groups) {
    const top = Math.max(...group.map((r) => r.perS ?? 0), 1)
    parts.push(`<text x="10" y="${y + 12}" font-weight="bold">${esc(group[0].title)}</text>`)
    y += 18
    for (const r of group) {
      const label = r.server + (r.harness === "loadgen" ? "" : ` [${r.harness}]`)
      const w = ((r.perS ?? 0) / top) * BAR_W
      parts.push(`<text x="20" y="${y + 13}">${esc(label)}</text>`)
      parts.push(`<rect x="${x0}" y="${y + 2}" width="${w.toFixed(1)}" height="${ROW_H - 4}" fill="${colorOf(r)}"/>`)
      parts.push(`<text x="${(x0 + w + 4).toFixed(1)}" y="${y + 13}">${r.perS === null ? "–" : Math.round(r.perS).toLocaleString("en-US")}/s</text>`)
      if (r.p50 !== null && r.p99 !== null) {
        const a = x1 + latX(r.p50)
        const b = x1 + latX(r.p90 ?? r.p50)
        const c = x1 + latX(r.p99)
        parts.push(`<line x1="${a.toFixed(1)}" x2="${c.toFixed(1)}" y1="${y + 9}" y2="${y + 9}" stroke="${colorOf(r)}" stroke-width="2"/>`)
        parts.push(`<circle cx="${a.toFixed(1)}" cy="${y + 9}" r="4" fill="${colorOf(r)}"/>`)
        parts.push(`<rect x="${(b - 1.5).toFixed(1)}" y="${y + 4}" width="3" height="10" fill="${colorOf(r)}"/>`)
        parts.push(`<rect x="${(c - 3).toFixed(1)}" y="${y + 4}" width="6" height="10" fill="none" stroke="${colorOf(r)}"/>`)
        parts.push(`<text x="${(c + 8).toFixed(1)}" y="${y + 13}" font-size="10">${r.p50}/${r.p99} ms</text>`)
      }
      y += ROW_H
    }
    y += GAP
  }
  const ticks = []
  for (const t of [0.1, 1, 10, 100, 1000]) {
    const x = (x1 + latX(t)).toFixed(1)
    ticks.push(`<line x1="${x}" x2="${x}" y1="60" y2="${y}" stroke="#eee"/>`)
    ticks.push(`<text x="${x}" y="56" text-anchor="middle" font-size="10">${t} ms</text>`)
  }
  const width = x1 + LAT_W + 90
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="20" font-size="15" font-weight="bold">${esc(title)}</text>
<text x="${x0}" y="44" font-size="11">deliveries/s (messages/s for publish), bar scaled within each scenario</text>
<text x="${x1}" y="36" font-size="11">latency: ● p50  | p90  □ p99 (log scale)</text>
${ticks.join("\n")}
${parts.join("\n")}
</svg>
`
}
