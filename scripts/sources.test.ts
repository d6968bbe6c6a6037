import { execFileSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"
import { pathToFileURL } from "node:url"
import { describe, expect, it } from "vitest"
import { publishedPackages, root } from "./packages.mjs"
import { sourceEntries, USE_SOURCES_FLAG } from "./sources.mjs"

describe("the @conduit/* sources inside the repository", () => {
  it("are derived from every package's exports, and exist", () => {
    const entries = sourceEntries()
    expect(Object.keys(entries).sort()).toEqual(
      publishedPackages()
        .flatMap(({ name, manifest }) => Object.keys(manifest.exports).filter((s) => s !== "./package.json").map((s) => (s === "." ? name : `${name}/${s.slice(2)}`)))
        .sort(),
    )
    for (const file of Object.values(entries)) expect(existsSync(file), file).toBe(true)
  })

  it("are what tsconfig.json's paths name, one entry each", () => {
    const { paths } = JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8")).compilerOptions
    const expected = Object.fromEntries(Object.entries(sourceEntries()).map(([specifier, file]) => [specifier, [`./${relative(root, file)}`]]))
    expect(paths).toEqual(expected)
  })

  it("never appear in a package's exports: plain Node and tsc consumers get dist/ only", () => {
    const targets = (value: unknown): string[] => (typeof value === "string" ? [value] : Object.values(value as object).flatMap(targets))
    for (const { name, manifest } of publishedPackages()) {
      for (const target of targets(manifest.exports)) expect(target, `${name} exports ${target}`).toMatch(/^\.\/(dist\/.*\.(js|d\.ts)|package\.json)$/)
    }
  })

  it("are what a node process started with the flag imports", () => {
    const out = execFileSync(
      process.execPath,
      [USE_SOURCES_FLAG, "--import", "tsx", "--input-type=module", "-e", "const m = await import('@conduit/shared'); console.log(typeof m.channel, import.meta.resolve('@conduit/react/compat'))"],
      { cwd: root, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
    )
    expect(out.trim()).toBe(`function ${pathToFileURL(sourceEntries()["@conduit/react/compat"]!).href}`)
  })
})
