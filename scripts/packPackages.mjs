#!/usr/bin/env node
// node scripts/packPackages.mjs <dir>: builds every published package
// (npm run build) and packs each into <dir> with npm pack, then prints what
// each tarball holds. The Dockerfile's build stage and the outside-in test run
// this same command; <dir>/packed.json keeps npm pack's report.
import { execFileSync } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { publishedPackages, root } from "./packages.mjs"

const out = resolve(process.argv[2] ?? "packages")
mkdirSync(out, { recursive: true })
const npm = (args) => execFileSync("npm", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })

npm(["run", "build", "--silent"])
const packages = publishedPackages()
const packed = JSON.parse(npm(["pack", "--json", "--silent", "--pack-destination", out, ...packages.flatMap((p) => ["-w", p.dir])]))
writeFileSync(join(out, "packed.json"), `${JSON.stringify(packed, null, 2)}\n`)
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`
for (const p of packed) {
  console.log(`${p.filename}  ${kb(p.size)} packed, ${kb(p.unpackedSize)} unpacked, ${p.files.length} files`)
}
