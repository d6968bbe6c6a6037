// A module resolution hook (node:module register): the `@conduit/*`
// specifiers resolve to their TypeScript sources (tsx loads them), given by
// useSources.mjs from sourceEntries() in sources.mjs.
import { pathToFileURL } from "node:url"

/** @type {Map<string, string>} */
let sources = new Map()

export async function initialize(data) {
  sources = new Map(Object.entries(data.sources).map(([specifier, file]) => [specifier, pathToFileURL(file).href]))
}

export async function resolve(specifier, context, nextResolve) {
  const url = sources.get(specifier)
  return url === undefined ? nextResolve(specifier, context) : { url, shortCircuit: true }
}
