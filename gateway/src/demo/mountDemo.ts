import { fileURLToPath } from "node:url"
import { ConduitError, ErrorCode } from "@conduit/shared"
import type { Gateway } from "../createGateway.ts"
import { registerDemoFunction } from "../functions/demo/generatePost.ts"
import { Conduit } from "../sdk/Conduit.ts"
import { createDemoRouter } from "./createDemoRouter.ts"

export interface DemoOptions {
  /** The built demo page. @default the page this package ships (`demo-page/`, built from e2e/) */
  distDir?: string
  /** Lifetime of the tokens `POST /demo/token` mints, seconds. @default the gateway's token lifetime (60) */
  tokenTtlSeconds?: number
  /** Pause between the demo run's tokens, ms. @default 40 */
  tokenDelayMs?: number
}

// `demo-page/` at the package root: two levels up from src/demo/ and from dist/demo/ alike.
const DEFAULT_DIST = fileURLToPath(new URL("../../demo-page/", import.meta.url))

/**
 * Serves the demo on a gateway: the page (React, Vue and Svelte panels),
 * `POST /demo/runs`, `POST /demo/token` and `POST /demo/review`, and the demo function they run,
 * all in-process. The gateway only serves the page's built files: it never
 * imports a framework adapter.
 */
export function mountDemo(gateway: Gateway, options: DemoOptions = {}): void {
  const conduit = new Conduit({ gateway })
  const demo = registerDemoFunction(conduit, {
    ...(options.tokenDelayMs === undefined ? {} : { tokenDelayMs: options.tokenDelayMs }),
  })
  const router = createDemoRouter({
    distDir: options.distDir ?? DEFAULT_DIST,
    startRun: () => demo.startRun(),
    mintToken: (runId) => demo.mintToken(runId, options.tokenTtlSeconds),
    review: (postId, approved) => demo.review(postId, approved),
  })
  // After the gateway's own routes, before the app's JSON 404.
  gateway.router.use(router)
}

/**
 * What the CLI calls: mounts the demo unless `CONDUIT_DEMO=0`. By default it
 * is on in dev mode only, since `/demo/token` hands a token for any run's
 * channel to anyone who asks; `CONDUIT_DEMO=1` forces it on. Timings for
 * tests: `CONDUIT_DEMO_TOKEN_TTL_SECONDS`, `CONDUIT_DEMO_TOKEN_DELAY_MS`.
 * Returns whether the demo was mounted.
 */
export function mountDemoFromEnv(gateway: Gateway, env: NodeJS.ProcessEnv = process.env): boolean {
  const flag = env.CONDUIT_DEMO
  const enabled = flag === undefined || flag === "" ? gateway.options.dev : flag === "1" || flag.toLowerCase() === "true"
  if (!enabled) return false
  const tokenTtlSeconds = positiveInt(env, "CONDUIT_DEMO_TOKEN_TTL_SECONDS")
  const tokenDelayMs = positiveInt(env, "CONDUIT_DEMO_TOKEN_DELAY_MS", true)
  mountDemo(gateway, {
    ...(tokenTtlSeconds === undefined ? {} : { tokenTtlSeconds }),
    ...(tokenDelayMs === undefined ? {} : { tokenDelayMs }),
  })
  return true
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, zeroAllowed = false): number | undefined {
  const raw = env[name]
  if (raw === undefined || raw === "") return undefined
  const value = Number(raw)
  if (!Number.isInteger(value) || value < (zeroAllowed ? 0 : 1)) {
    throw new ConduitError(ErrorCode.CONFIG, `${name} must be a ${zeroAllowed ? "non-negative" : "positive"} integer, got "${raw}"`)
  }
  return value
}
