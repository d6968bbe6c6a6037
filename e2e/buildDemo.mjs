#!/usr/bin/env node
// Builds the pages the demo and the e2e tests serve (vite build) when one is
// missing or older than anything it is built from: the demo page
// (gateway/demo-page, which the gateway package ships and serves) and the
// Inngest samples' page (e2e/samples/dist), from their sources, the adapters,
// the client and shared. `--force` always builds. Run by `npm start`
// (prestart) and `npm run test:e2e`, so a fresh clone never serves a stale or
// absent page.
import { existsSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const LIBRARIES = ["scripts/sourceResolve.ts", "scripts/sources.mjs", "shared/src", "adapters/client/src", "adapters/react/src", "adapters/vue/src", "adapters/svelte/src"]
const PAGES = [
  {
    name: "demo",
    config: "e2e/vite.config.ts",
    output: "gateway/demo-page/index.html",
    inputs: ["e2e/index.html", "e2e/vite.config.ts", "e2e/package.json", "e2e/src", "gateway/src/functions/demo/demoPipeline.ts"],
  },
  {
    name: "samples",
    config: "e2e/samples/vite.config.ts",
    output: "e2e/samples/dist/index.html",
    inputs: ["e2e/samples/page", "e2e/samples/v3/app", "e2e/samples/v4/app", "e2e/samples/v3/inngest", "e2e/samples/v4/inngest", "e2e/samples/vite.config.ts", "e2e/samples/serverActionsPlugin.ts"],
  },
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
for (const page of PAGES) {
  const output = join(root, page.output)
  const builtAt = existsSync(output) ? statSync(output).mtimeMs : 0
  const changedAt = Math.max(...[...page.inputs, ...LIBRARIES].map((p) => newest(join(root, p))))
  if (!force && builtAt > changedAt) {
    console.log(`[${page.name}] ${page.output.replace("/index.html", "")} is up to date`)
    continue
  }
  console.log(builtAt === 0 ? `[${page.name}] building ${page.output}` : `[${page.name}] rebuilding ${page.output}: sources changed`)
  // The demo page ships in @conduit/gateway: always a production build, even when
  // the caller's NODE_ENV says otherwise (vitest sets test; Vite would follow it).
  process.env.NODE_ENV = "production"
  const { build } = await import("vite")
  await build({ configFile: join(root, page.config), logLevel: "warn" })
  console.log(`[${page.name}] built ${page.output.replace("/index.html", "")}`)
}
