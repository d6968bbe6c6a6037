import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["shared/src/**/*.test.ts", "gateway/src/**/*.test.ts", "adapters/*/src/**/*.test.{ts,tsx}"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Gateway tests bind real loopback ports; a few files at a time keeps a 2-core box honest.
    maxWorkers: 2,
    reporters: ["default", "./scripts/closingLineReporter.ts"],
  },
})
