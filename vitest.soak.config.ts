import { defineConfig } from "vitest/config"
import { inheritSources, sourceResolve } from "./scripts/sourceResolve.ts"

inheritSources()

// `npm run test:soak`: the long suites, one file at a time, with gc exposed for memory figures.
export default defineConfig({
  ...sourceResolve,
  test: {
    include: ["gateway/src/**/*.soak.ts"],
    testTimeout: 15 * 60_000,
    hookTimeout: 60_000,
    maxWorkers: 1,
    execArgv: ["--expose-gc"],
    reporters: ["default", "./scripts/closingLineReporter.ts"],
  },
})
