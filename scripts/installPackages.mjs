#!/usr/bin/env node
// node scripts/installPackages.mjs <tarballs dir> <project dir> [--only @conduit/a,@conduit/b] [extra specs...]
// Installs packed Conduit packages (scripts/packPackages.mjs) into a project
// outside the repository, as a user would: a package.json is created when
// there is none; every @conduit package the chosen ones depend on is installed
// from its tarball too (never looked up in the registry, which is checked
// afterwards); extra specs (express@5, vite…) come from the npm cache or the
// registry. The Dockerfile and the outside-in test run this same command.
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { parseArgs } from "node:util"
import { publishedPackages, tarballName, withInternalDependencies } from "./packages.mjs"

const { values, positionals } = parseArgs({ options: { only: { type: "string" } }, allowPositionals: true })
const [tarballs, project, ...extras] = positionals
if (!tarballs || !project) throw new Error("usage: installPackages.mjs <tarballs dir> <project dir> [--only names] [extra specs...]")
const chosen = values.only ? withInternalDependencies(values.only.split(",")) : publishedPackages()
const dir = resolve(project)
mkdirSync(dir, { recursive: true })
if (!existsSync(join(dir, "package.json"))) {
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "conduit-app", private: true, type: "module" }, null, 2)}\n`)
}
const files = chosen.map((p) => join(resolve(tarballs), tarballName(p)))
execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...files, ...extras], {
  cwd: dir,
  stdio: "inherit",
})
// Every @conduit package in the tree must be one of ours, from its tarball.
const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8"))
for (const [path, entry] of Object.entries(lock.packages)) {
  if (!path.includes("node_modules/@conduit/")) continue
  if (!entry.resolved?.startsWith("file:")) throw new Error(`${path} came from ${entry.resolved}, not from a tarball in ${tarballs}`)
}
console.log(`installed ${chosen.map((p) => p.name).join(", ")}${extras.length ? ` and ${extras.join(" ")}` : ""} in ${dir}`)
