// The published packages: every root workspace that is not private, in the
// order the root package.json lists them (dependencies first, which is the
// build order). This is the one list the build, the pack, the package checks,
// the outside-in test and the Dockerfile all read: a new package is a new
// workspace entry (with a `build` script and a tsconfig.build.json).
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

export const root = fileURLToPath(new URL("..", import.meta.url))

/** @returns {{ dir: string, name: string, version: string, manifest: any }[]} */
export function publishedPackages() {
  const { workspaces } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))
  return workspaces
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) }))
    .filter(({ manifest }) => !manifest.private)
    .map(({ dir, manifest }) => ({ dir, name: manifest.name, version: manifest.version, manifest }))
}

/** `@conduit/gateway@0.1.0` → `conduit-gateway-0.1.0.tgz`, the name `npm pack` gives it. */
export function tarballName({ name, version }) {
  return `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`
}

/**
 * The published packages `names` need, themselves included, in build order:
 * installing a tarball whose @conduit dependency is not installed beside it
 * would send npm to the registry for that name.
 */
export function withInternalDependencies(names) {
  const all = publishedPackages()
  const wanted = new Set()
  const visit = (name) => {
    if (wanted.has(name)) return
    const pkg = all.find((p) => p.name === name)
    if (!pkg) throw new Error(`${name} is not a published package of this repository`)
    wanted.add(name)
    for (const dep of Object.keys(pkg.manifest.dependencies ?? {})) if (all.some((p) => p.name === dep)) visit(dep)
  }
  names.forEach(visit)
  return all.filter((p) => wanted.has(p.name))
}
