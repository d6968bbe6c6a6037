import { fileURLToPath } from "node:url"
import react from "@vitejs/plugin-react"
import { defineConfig } from "vite"
import { sourceResolve } from "../../scripts/sourceResolve.ts"
import { serverActions } from "./serverActionsPlugin.ts"

const root = fileURLToPath(new URL(".", import.meta.url))

/**
 * The page that renders the samples' client components ("use client" modules)
 * in a real browser: `vite build` writes e2e/samples/dist, which the sample
 * server serves; their "use server" imports become fetch stubs.
 */
export default defineConfig({
  root: fileURLToPath(new URL("./page", import.meta.url)),
  plugins: [react(), serverActions(root)],
  // The adapters and shared, from their TypeScript sources (scripts/sources.mjs).
  resolve: sourceResolve.resolve,
  build: { outDir: fileURLToPath(new URL("./dist", import.meta.url)), emptyOutDir: true, sourcemap: true },
})
