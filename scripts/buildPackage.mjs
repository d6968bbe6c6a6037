#!/usr/bin/env node
// The `build` script of every published package, run in its folder:
// dist/ from scratch with tsc (tsconfig.build.json: the package's entry points
// and what they import, nothing else), and the repository's LICENSE beside it
// so the tarball carries the licence text (npm pack takes files from the
// package folder only).
import { execFileSync } from "node:child_process"
import { copyFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { root } from "./packages.mjs"

rmSync("dist", { recursive: true, force: true })
execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", "tsconfig.build.json"], { stdio: "inherit" })
copyFileSync(join(root, "LICENSE"), "LICENSE")
