#!/usr/bin/env node
// Installs the system packages the test suite runs for real: Debian's Chromium
// (Playwright drives it; never a downloaded browser) and redis-server (the
// scale-out tests start their own on a loopback port). Does nothing when both
// are present; needs root (apt-get) otherwise. It installs no recommended
// packages, starts and enables no service (a policy-rc.d answering 101 while
// apt runs, and any unit the packages enabled disabled again), and prints one
// line: apt's own output goes to a log file.
import { execFileSync, spawnSync } from "node:child_process"
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"

const wanted = [
  { pkg: "chromium", bin: "/usr/bin/chromium" },
  { pkg: "redis-server", bin: "/usr/bin/redis-server" },
]
const needed = wanted.filter(({ bin }) => !existsSync(bin)).map(({ pkg }) => pkg)
const LOG = join(tmpdir(), "conduit-system-deps.log")
const POLICY = "/usr/sbin/policy-rc.d"
const UNITS = "/etc/systemd/system"

if (needed.length === 0) {
  console.log(`[setup] ${wanted.map((w) => w.pkg).join(" and ")} already installed`)
} else {
  const asRoot = process.getuid?.() === 0 ? [] : ["sudo"]
  const log = openSync(LOG, "w")
  const run = (args) => {
    const cmd = [...asRoot, ...args]
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ["ignore", log, log], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } })
    if (r.status !== 0) fail(`${cmd.join(" ")} exited ${r.status}`)
  }
  // Maintainer scripts ask invoke-rc.d before starting a service; 101 means "not allowed".
  // A policy already in place (Docker images ship one) is left as it is.
  const ownPolicy = !existsSync(POLICY)
  if (ownPolicy) run(["sh", "-c", `printf '#!/bin/sh\\nexit 101\\n' > ${POLICY} && chmod 755 ${POLICY}`])
  const enabledBefore = enabledUnits()
  try {
    run(["apt-get", "update", "-qq"])
    run(["apt-get", "install", "-y", "-q", "--no-install-recommends", ...needed])
  } finally {
    if (ownPolicy) run(["rm", "-f", POLICY])
  }
  // Packages enable their units at install (redis-server.service): undo that, offline, for the new ones only.
  const newlyEnabled = [...enabledUnits()].filter((unit) => !enabledBefore.has(unit))
  for (const unit of newlyEnabled) run(["systemctl", "disable", unit])
  closeSync(log)
  const summary = /(\d+) upgraded, (\d+) newly installed/.exec(readFileSync(LOG, "utf8"))
  const counts = summary ? `${summary[2]} package(s) installed, ${summary[1]} upgraded` : "installed"
  console.log(`[setup] ${needed.join(", ")} from Debian: ${counts}, no service started or enabled (apt log: ${LOG})`)
}
for (const { bin } of wanted) execFileSync(bin, ["--version"], { stdio: "ignore" })

/** Units enabled through a *.wants folder of /etc/systemd/system. */
function enabledUnits() {
  if (!existsSync(UNITS)) return new Set()
  const wants = readdirSync(UNITS).filter((d) => d.endsWith(".wants"))
  return new Set(wants.flatMap((d) => readdirSync(join(UNITS, d)).map((unit) => basename(unit))))
}

function fail(message) {
  const tail = existsSync(LOG) ? readFileSync(LOG, "utf8").trim().split("\n").slice(-15).join("\n") : ""
  console.error(`[setup] ${message}; last lines of ${LOG}:\n${tail}`)
  process.exit(1)
}
