import { defineConfig } from "vitest/config"

// `npm run test:outside-in`: packs every package and uses the tarballs in a project outside the repository.
export default defineConfig({
  test: {
    include: ["outside-in/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    maxWorkers: 1,
    reporters: ["default", "./scripts/closingLineReporter.ts"],
  },
})
