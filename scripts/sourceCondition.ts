import { register } from "node:module"
import { defaultClientConditions, defaultServerConditions } from "vite"

/**
 * Inside this repository every `@conduit/*` package resolves to its
 * TypeScript source through this export condition (listed first in each
 * package's `exports`), so tests, `tsc`, tsx and Vite need no build step
 * between edits. Consumers of the published packages never set it and get
 * `dist/`. The same name is in tsconfig.json (`customConditions`) and in the
 * `--conditions` flag of the root scripts, Playwright's web servers and the bench.
 */
export const SOURCE_CONDITION = "@conduit/source"

/**
 * Vite/Vitest `resolve` and `ssr.resolve` settings that read the sources
 * (browser and server builds). The server side keeps Node's own conditions:
 * Vitest hands them to its workers as `--conditions`, and a bundler's
 * "module" there makes Node load builds it cannot run (the ESM build of
 * @opentelemetry/api 1.9, which inngest's instrumentation pins and
 * prom-client then requires, has extensionless imports).
 */
export const sourceResolve = {
  resolve: { conditions: [SOURCE_CONDITION, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions.filter((condition) => condition !== "module")] } },
}

/**
 * Adds `--conditions=@conduit/source` to `NODE_OPTIONS`, so every node
 * process started from here on (the CLI under tsx in tests, probes,
 * Playwright's workers) inherits it and reads the sources too.
 */
export function inheritSourceCondition(env: NodeJS.ProcessEnv = process.env): void {
  const flag = `--conditions=${SOURCE_CONDITION}`
  const current = env.NODE_OPTIONS ?? ""
  if (!current.split(/\s+/).includes(flag)) env.NODE_OPTIONS = `${current} ${flag}`.trim()
}

/** Makes this already-running process resolve the sources too (Playwright's runner imports the test files itself). */
export function registerSourceCondition(): void {
  register("./sourceConditionHook.mjs", import.meta.url, { data: { condition: SOURCE_CONDITION } })
}
