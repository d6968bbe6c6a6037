#!/usr/bin/env node
// Installs the system packages the test suite runs for real: Debian's Chromium
// (Playwright drives it; never a downloaded browser) and redis-server (the
// scale-out tests start their own on a loopback port). Does nothing when both
// are present; needs root (apt-get) otherwise.
import { execFileSync, spawnSync } from "node:child_process"
import { existsSync } from "node:fs"

const needed = [
  { pkg: "chromium", bin: "/usr/bin/chromium" },
  { pkg: "redis-server", bin: "/usr/bin/redis-server" },
].filter(({ bin }) => !existsSync(bin))

if (needed.length > 0) {
  const names = needed.map((n) => n.pkg)
  console.log(`[setup] installing ${names.join(", ")} from Debian`)
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" }
  const asRoot = process.getuid?.() === 0 ? [] : ["sudo"]
  const run = (args) => {
    const cmd = [...asRoot, ...args]
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: "inherit", env })
    if (r.status !== 0) throw new Error(`[setup] failed: ${cmd.join(" ")}`)
  }
  run(["apt-get", "update", "-qq"])
  run(["apt-get", "install", "-y", "-qq", ...names])
}
for (const { bin } of [{ bin: "/usr/bin/chromium" }, { bin: "/usr/bin/redis-server" }]) {
  execFileSync(bin, ["--version"], { stdio: "ignore" })
}
