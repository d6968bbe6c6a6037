/**
 * The gateways Playwright starts for the e2e run (see playwright.config.ts):
 * loopback ports away from 8288, so a gateway the user has running is left alone.
 * `CONDUIT_E2E_PORT` moves them all (two checkouts can run their e2e suites side by side).
 */
export const MAIN_PORT = Number(process.env.CONDUIT_E2E_PORT || 8390)
/** A second gateway that ends streams at token expiry and mints 2-second demo tokens. */
export const EXPIRY_PORT = MAIN_PORT + 1

/** The Inngest samples' server (e2e/samples/server/sampleServer.ts): its page, server actions and gateway. */
export const SAMPLES_PORT = MAIN_PORT + 2

export const MAIN_URL = `http://127.0.0.1:${MAIN_PORT}`
export const EXPIRY_URL = `http://127.0.0.1:${EXPIRY_PORT}`
export const SAMPLES_URL = `http://127.0.0.1:${SAMPLES_PORT}`

/** Seconds a demo token lives on the expiry gateway. */
export const SHORT_TOKEN_TTL_SECONDS = 2
/** Pause between the demo run's tokens on the expiry gateway: 27 tokens ≈ 7 s, several token lifetimes. */
export const EXPIRY_TOKEN_DELAY_MS = 250

/** Environment of every e2e gateway: dev mode (real tokens, ephemeral key), fast but visible streaming. */
export function gatewayEnv(port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    CONDUIT_PORT: String(port),
    CONDUIT_HOST: "127.0.0.1",
    CONDUIT_DEV: "1",
    CONDUIT_SIGNING_KEY: "",
    CONDUIT_SIGNING_KEY_FALLBACK: "",
    CONDUIT_REDIS_URL: "",
    NODE_ENV: "test",
    CONDUIT_LOG_LEVEL: "warn",
    // A stalled stream is noticed within a few seconds (the client times out on missed heartbeats).
    CONDUIT_HEARTBEAT_MS: "1000",
    CONDUIT_DEMO: "1",
    // 27 tokens ≈ 5.4 s: slow enough that a test can cut the network mid-run on a loaded
    // machine (at 120 ms, beside a CPU hog, a run once finished before reconnect.spec cut it).
    CONDUIT_DEMO_TOKEN_DELAY_MS: "200",
    ...extra,
  }
}
