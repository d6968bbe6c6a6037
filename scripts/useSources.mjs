// `node --import ./scripts/useSources.mjs --import tsx …`: this process (and,
// through NODE_OPTIONS, see sourceResolve.ts, the processes it starts) reads
// the `@conduit/*` packages from their TypeScript sources (sources.mjs).
import { registerSources } from "./sources.mjs"

registerSources()
