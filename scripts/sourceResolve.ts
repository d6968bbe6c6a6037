import { defaultClientConditions, defaultServerConditions } from "vite"
import { sourceEntries, USE_SOURCES_FLAG } from "./sources.mjs"

export { registerSources } from "./sources.mjs"

/**
 * Vite/Vitest `resolve` and `ssr.resolve` settings that read the sources
 * (browser and server builds): each `@conduit/*` specifier is an alias of
 * its source file (sources.mjs). The conditions are Vite's
 * defaults, except that the server side leaves out a bundler's "module":
 * Vitest hands these conditions to its workers as `--conditions`, and
 * "module" there makes Node load builds it cannot run (the ESM build of
 * @opentelemetry/api 1.9, which inngest's instrumentation pins and
 * prom-client then requires, has extensionless imports).
 */
export const sourceResolve = {
  resolve: {
    // A string alias also matches `find/…`, and the first match wins: `@conduit/react/compat` comes before `@conduit/react`.
    alias: Object.entries(sourceEntries())
      .sort(([a], [b]) => b.length - a.length)
      .map(([find, replacement]) => ({ find, replacement })),
    conditions: [...defaultClientConditions],
  },
  ssr: { resolve: { conditions: defaultServerConditions.filter((condition) => condition !== "module") } },
}

/**
 * Adds the sources flag to `NODE_OPTIONS`, so every node process started
 * from here on (the CLI under tsx in tests, probes, Playwright's workers)
 * inherits it and reads the sources too.
 */
export function inheritSources(env: NodeJS.ProcessEnv = process.env): void {
  const current = env.NODE_OPTIONS ?? ""
  if (!current.split(/\s+/).includes(USE_SOURCES_FLAG)) env.NODE_OPTIONS = `${current} ${USE_SOURCES_FLAG}`.trim()
}
