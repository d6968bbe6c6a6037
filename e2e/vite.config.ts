import { fileURLToPath } from "node:url"
import { svelte } from "@sveltejs/vite-plugin-svelte"
import react from "@vitejs/plugin-react"
import vue from "@vitejs/plugin-vue"
import { defineConfig } from "vite"
import { sourceResolve } from "../scripts/sourceResolve.ts"

// The gateway the dev server forwards API calls to (`npm start` runs one on 8288).
const gateway = process.env.CONDUIT_DEMO_GATEWAY ?? "http://127.0.0.1:8288"

/**
 * The demo page: one HTML page, three framework roots. `vite build` writes
 * gateway/demo-page, which the gateway CLI serves and the @conduit/gateway
 * package ships; `vite` (dev) proxies the API to a running gateway. The
 * adapters are read from their TypeScript sources (scripts/sources.mjs).
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react(), vue(), svelte()],
  resolve: sourceResolve.resolve,
  build: { outDir: "../gateway/demo-page", emptyOutDir: true, sourcemap: true },
  server: {
    proxy: { "/v1": gateway, "/demo": gateway },
  },
})
