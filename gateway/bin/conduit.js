#!/usr/bin/env node
// The `conduit` command: runs the compiled CLI (dist/, made by `npm run build`
// in the Conduit repository). Committed executable, so `npm install` has no
// file mode to change.
try {
  await import("../dist/cli.js")
} catch (error) {
  // In a checkout that was never built, say so in one line instead of a stack.
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || !/dist\/cli\.js|@conduit\//.test(String(error.message))) throw error
  console.error("conduit: not built yet: run `npm run build` in the Conduit repository (`npm start` runs the gateway from the sources)")
  process.exitCode = 1
}
