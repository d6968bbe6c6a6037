// Inside this repository every `@conduit/*` import resolves to the package's
// TypeScript source, so tests, tsc, tsx and Vite need no build step between
// edits; the packages' `exports` name only `dist/`, which is what consumers
// (plain Node, tsc, bundlers) load. The sources are derived from those
// exports by the build's own rule (tsconfig.build.json: `src/` compiles to
// `dist/`, `.ts` to `.js`), so a new entry point needs no second list.
import { register } from "node:module"
import { join } from "node:path"
import { publishedPackages, root } from "./packages.mjs"

/** The node flag that makes a process read the sources: `node ${USE_SOURCES_FLAG} --import tsx …`. */
export const USE_SOURCES_FLAG = `--import=${new URL("./useSources.mjs", import.meta.url).href}`

/** Each `@conduit/*` specifier (`@conduit/react`, `@conduit/react/compat`, …) → the absolute path of its source file. */
export function sourceEntries() {
  /** @type {Record<string, string>} */
  const entries = {}
  for (const { dir, name, manifest } of publishedPackages()) {
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const built = typeof target === "string" ? target : target.import
      if (typeof built !== "string" || !/^\.\/dist\/.*\.js$/.test(built)) continue
      const specifier = subpath === "." ? name : `${name}/${subpath.slice(2)}`
      entries[specifier] = join(root, dir, built.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts"))
    }
  }
  return entries
}

/** Makes this process resolve `@conduit/*` to the sources (sourceResolveHook.mjs); tsx then loads them. */
export function registerSources() {
  register("./sourceResolveHook.mjs", import.meta.url, { data: { sources: sourceEntries() } })
}
