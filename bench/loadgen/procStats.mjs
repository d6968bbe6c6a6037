// Linux /proc readings: a server's RSS and CPU time, and whole-machine busy time.
import { readFileSync } from "node:fs"

const TICKS_PER_S = 100 // USER_HZ; 100 on every Linux we run on

/** Resident set size in KiB, or null when the process is gone. */
export function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
    return m ? Number(m[1]) : null
  } catch {
    return null
  }
}

/** User and system CPU seconds used so far by a process. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ") // f[0] is field 3 (state)
    return { user: Number(f[11]) / TICKS_PER_S, sys: Number(f[12]) / TICKS_PER_S }
  } catch {
    return null
  }
}

/** Busy and total jiffies of all cores together. */
export function machineTicks() {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n", 1)[0].trim().split(/\s+/).slice(1).map(Number)
  const total = cpu.reduce((a, b) => a + b, 0)
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0)
  return { busy: total - idle, total }
}
