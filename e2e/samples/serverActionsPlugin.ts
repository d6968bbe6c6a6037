import { relative } from "node:path"
import type { Plugin } from "vite"

// What Next.js does with a "use server" module in a client bundle, reduced to
// what the samples need: each exported async function becomes a stub that POSTs
// its arguments as JSON to `/actions/<module>/<name>` and returns the JSON answer.
// The sample server (server/sampleServer.ts) calls the real function.

const DIRECTIVE = /^(?:\s*(?:\/\/[^\n]*\n|\/\*[\s\S]*?\*\/))*\s*["']use server["']/
const ASYNC_EXPORT = /^export\s+async\s+function\s+([A-Za-z_$][\w$]*)/gm
const OTHER_VALUE_EXPORT = /^export\s+(?!async\s+function|type\s|interface\s)/m

/** The id the sample server knows a module by: its path under e2e/samples, without extension. */
export function actionModuleId(root: string, file: string): string {
  return relative(root, file).replace(/\\/g, "/").replace(/\.[cm]?[jt]sx?$/, "")
}

export function serverActions(root: string): Plugin {
  return {
    name: "conduit-samples:server-actions",
    enforce: "pre",
    transform(code, id) {
      const file = id.split("?")[0]!
      if (!/\.[cm]?[jt]sx?$/.test(file) || !DIRECTIVE.test(code)) return null
      if (OTHER_VALUE_EXPORT.test(code)) this.error(`${file}: a "use server" module may export only async functions (and types)`)
      const names = [...code.matchAll(ASYNC_EXPORT)].map((m) => m[1]!)
      const moduleId = actionModuleId(root, file)
      const stubs = names.map((name) => `export const ${name} = action(${JSON.stringify(name)});`).join("\n")
      return {
        code: `const action = (name) => async (...args) => {
  const res = await fetch("/actions/${moduleId}/" + name, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(args) });
  if (!res.ok) throw new Error("server action " + name + " answered " + res.status + ": " + (await res.text()));
  return res.json();
};
${stubs}
`,
        map: null,
      }
    },
  }
}
