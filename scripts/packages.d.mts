// Types of packages.mjs, for the TypeScript tests that read the same list.
export interface PublishedPackage {
  /** Folder in the repository, e.g. "adapters/client". */
  dir: string
  name: string
  version: string
  manifest: Record<string, any>
}
export const root: string
export function publishedPackages(): PublishedPackage[]
export function tarballName(pkg: { name: string; version: string }): string
export function withInternalDependencies(names: string[]): PublishedPackage[]
