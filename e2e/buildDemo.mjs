#!/usr/bin/env node
// Builds the demo page (vite build → gateway/demo-page, which the gateway
// package ships and serves) when it is missing or older
// than anything it is built from: the page itself, the adapters, the client
// and shared. `--force` always builds. Run by `npm start` (prestart) and
// `npm run test:e2e`, so a fresh clone never serves a stale or absent page.
import { existsSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const output = join(root, "gateway/demo-page/index.html")
const inputs = [
  "e2e/index.html",
  "e2e/vite.config.ts",
  "scripts/sourceCondition.ts",
  "e2e/package.json",
  "e2e/src",
  "shared/src",
  "adapters/client/src",
  "adapters/react/src",
  "adapters/vue/src",
  "adapters/svelte/src",
  "gateway/src/functions/demo/demoPipeline.ts",
]

/** Newest modification time under a file or directory (0 when absent). */
function newest(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let latest = stat.mtimeMs // a deleted file changes its directory's mtime
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)))
  return latest
}

const force = process.argv.includes("--force")
const builtAt = existsSync(output) ? statSync(output).mtimeMs : 0
const changedAt = Math.max(...inputs.map((p) => newest(join(root, p))))
if (!force && builtAt > changedAt) {
  console.log("[demo] gateway/demo-page is up to date")
} else {
  console.log(builtAt === 0 ? "[demo] building the demo page (gateway/demo-page)" : "[demo] rebuilding the demo page: sources changed")
  // The page ships in @conduit/gateway: always a production build, even when
  // the caller's NODE_ENV says otherwise (vitest sets test; Vite would follow it).
  process.env.NODE_ENV = "production"
  const { build } = await import("vite")
  await build({ configFile: join(root, "e2e/vite.config.ts"), logLevel: "warn" })
  console.log("[demo] built gateway/demo-page")
}
