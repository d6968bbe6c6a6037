// Types of sources.mjs, for the TypeScript configs that read it.
export const USE_SOURCES_FLAG: string
export function sourceEntries(): Record<string, string>
export function registerSources(): void
