import { defineConfig } from "@playwright/test"
import { inheritSources, registerSources } from "./scripts/sourceResolve.ts"
import {
  EXPIRY_PORT,
  EXPIRY_TOKEN_DELAY_MS,
  gatewayEnv,
  MAIN_PORT,
  MAIN_URL,
  SAMPLES_PORT,
  SAMPLES_URL,
  SHORT_TOKEN_TTL_SECONDS,
} from "./e2e/tests/support/servers.ts"

// The test files import the sources (demo fixtures); workers and web servers are node processes too.
registerSources()
inheritSources()

// Debian's Chromium, never a downloaded browser (scripts/ensureSystemDeps.mjs installs it).
const CHROMIUM = "/usr/bin/chromium"
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
]

// The gateway CLI itself serves the demo (npm run test:e2e builds gateway/demo-page first),
// from the TypeScript sources (scripts/useSources.mjs, see scripts/sources.mjs).
const GATEWAY = "node --import ./scripts/useSources.mjs --import tsx gateway/src/cli.ts dev"

export default defineConfig({
  testDir: "e2e/tests",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results",
  timeout: 45_000,
  expect: { timeout: 15_000 },
  // Tests share the servers and start their own runs; two at a time keeps a 2-core box honest.
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: {
    baseURL: MAIN_URL,
    browserName: "chromium",
    headless: true,
    viewport: { width: 1360, height: 820 },
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
    trace: "retain-on-failure",
  },
  webServer: [
    {
      command: GATEWAY,
      url: `${MAIN_URL}/healthz`,
      env: gatewayEnv(MAIN_PORT),
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: GATEWAY,
      url: `http://127.0.0.1:${EXPIRY_PORT}/healthz`,
      env: gatewayEnv(EXPIRY_PORT, {
        CONDUIT_ENFORCE_TOKEN_EXPIRY: "1",
        CONDUIT_DEMO_TOKEN_TTL_SECONDS: String(SHORT_TOKEN_TTL_SECONDS),
        CONDUIT_DEMO_TOKEN_DELAY_MS: String(EXPIRY_TOKEN_DELAY_MS),
      }),
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      // The Inngest samples: their page (npm run test:e2e builds e2e/samples/dist), server actions and gateway.
      command: "node --import ./scripts/useSources.mjs --import tsx e2e/samples/server/sampleServer.ts",
      url: `${SAMPLES_URL}/realtime/healthz`,
      env: { CONDUIT_SAMPLES_PORT: String(SAMPLES_PORT), NODE_ENV: "test" },
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
})
