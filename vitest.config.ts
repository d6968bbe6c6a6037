import { svelte } from "@sveltejs/vite-plugin-svelte"
import { defineConfig } from "vitest/config"
import { inheritSources, sourceResolve } from "./scripts/sourceResolve.ts"

// Vite resolves the sources for the tests; node processes the tests start (the CLI under tsx) inherit the flag.
inheritSources()

export default defineConfig({
  ...sourceResolve,
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Gateway tests bind real loopback ports; a few files at a time keeps a 2-core box honest.
    maxWorkers: 2,
    reporters: ["default", "./scripts/closingLineReporter.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          include: ["scripts/**/*.test.ts", "shared/src/**/*.test.ts", "gateway/src/**/*.test.ts", "adapters/{client,react,vue}/src/**/*.test.{ts,tsx}", "bridges/*/src/**/*.test.ts", "e2e/samples/**/*.test.ts"],
        },
      },
      {
        // Svelte components compile with the plugin and run on Svelte's browser build.
        extends: true,
        plugins: [svelte()],
        resolve: { conditions: ["browser"] },
        test: { name: "svelte", include: ["adapters/svelte/src/**/*.test.ts"] },
      },
    ],
  },
})
