// Log-linear latency histogram in microseconds: 64 linear sub-buckets per
// power of two, so a recorded value is off by at most 1/64 (~1.6%). Fixed
// size, no allocation per record; histograms from worker threads merge by
// adding counts.

const SUB_BITS = 6
const SUB = 1 << SUB_BITS
const MAX_POW = 34 // 2^34 µs ≈ 4.8 h: anything longer is clamped
export const HISTOGRAM_SIZE = (MAX_POW - SUB_BITS + 1) * SUB + SUB

function indexOf(us) {
  if (us < SUB) return us < 0 ? 0 : us
  const pow = 31 - Math.clz32(us) // floor(log2(us)) >= SUB_BITS
  if (pow > MAX_POW) return HISTOGRAM_SIZE - 1
  const shift = pow - SUB_BITS
  return (shift + 1) * SUB + ((us >>> shift) - SUB)
}

function lowerBoundOf(index) {
  if (index < SUB) return index
  const shift = Math.floor(index / SUB) - 1
  return (SUB + (index % SUB)) * 2 ** shift
}

export function createHistogram() {
  return { counts: new Float64Array(HISTOGRAM_SIZE), n: 0, sum: 0, max: 0, min: Infinity }
}

/** Records one latency in milliseconds. */
export function record(h, ms) {
  const us = Math.round(ms * 1000)
  h.counts[indexOf(us > 0x7fffffff ? 0x7fffffff : us)]++
  h.n++
  h.sum += ms
  if (ms > h.max) h.max = ms
  if (ms < h.min) h.min = ms
}

export function merge(into, from) {
  for (let i = 0; i < HISTOGRAM_SIZE; i++) into.counts[i] += from.counts[i]
  into.n += from.n
  into.sum += from.sum
  into.max = Math.max(into.max, from.max)
  into.min = Math.min(into.min, from.min)
}

/** The value (ms) under which fraction q of the records fall: mid-point of its bucket. */
export function quantile(h, q) {
  if (h.n === 0) return null
  const rank = Math.max(1, Math.ceil(q * h.n))
  let seen = 0
  for (let i = 0; i < HISTOGRAM_SIZE; i++) {
    seen += h.counts[i]
    if (seen >= rank) {
      const lo = lowerBoundOf(i)
      const hi = lowerBoundOf(i + 1)
      return Math.min(h.max, (lo + hi) / 2 / 1000)
    }
  }
  return h.max
}

export function summarize(h) {
  const r = (v) => (v === null ? null : Math.round(v * 100) / 100)
  return {
    n: h.n,
    p50: r(quantile(h, 0.5)),
    p90: r(quantile(h, 0.9)),
    p99: r(quantile(h, 0.99)),
    p999: r(quantile(h, 0.999)),
    max: r(h.n ? h.max : null),
    mean: r(h.n ? h.sum / h.n : null),
  }
}
