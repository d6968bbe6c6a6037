import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { optionsFromEnv } from "./optionsFromEnv.ts"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const src = join(root, "gateway/src")

/** `.env.example` as variables, each with what its comment block says it sets. */
function documented(): Array<{ name: string; value: string; sets: string[] | "cli" }> {
  const variables: Array<{ name: string; value: string; sets: string[] | "cli" }> = []
  let comment = ""
  let index = 0
  for (const line of readFileSync(join(root, ".env.example"), "utf8").split("\n")) {
    // A comment block describes the variables right after it; a blank line or a variable ends it.
    if (line.trim() === "" || (line.startsWith("#") && index > 0)) {
      comment = ""
      index = 0
    }
    if (line.startsWith("#")) {
      comment += `${line}\n`
      continue
    }
    const match = /^(CONDUIT_\w+)=(.*)$/.exec(line)
    if (!match) continue
    const option = /(?:createGateway|gateway\.listen)\(\{ ([\w, ]+) \}\)/.exec(comment)
    const sets = comment.includes("CLI only") ? "cli" : option ? [option[1]!.split(", ")[index]!] : []
    variables.push({ name: match[1]!, value: match[2]!, sets })
    index++
  }
  return variables
}

/** Production sources of the gateway (tests and test helpers left out). */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) return entry === "testing" ? [] : sources(path)
    return /\.ts$/.test(entry) && !/\.(test|test-d|soak)\.ts$/.test(entry) ? [path] : []
  })
}

describe(".env.example", () => {
  it("names, for each variable, the createGateway or listen option it sets, and the option is that variable's", () => {
    for (const { name, value, sets } of documented()) {
      if (sets === "cli") continue
      expect(sets, `${name} names no option`).toHaveLength(1)
      const [option] = sets as [keyof ReturnType<typeof optionsFromEnv>]
      expect(optionsFromEnv({ [name]: value || "1" })[option], `${name} → ${option}`).toBeDefined()
      if (option !== "port" && option !== "host") expect(optionsFromEnv({})[option], `${option} without ${name}`).toBeUndefined()
    }
  })

  it("lists every CONDUIT_* variable the gateway and its CLI read; those it calls CLI only are not createGateway options", () => {
    const listed = documented()
    const read = new Set(sources(src).flatMap((file) => readFileSync(file, "utf8").match(/CONDUIT_[A-Z_]+/g) ?? []))
    expect([...read].sort()).toEqual(listed.map((v) => v.name).sort())
    const fromEnv = readFileSync(join(src, "config/optionsFromEnv.ts"), "utf8")
    for (const { name } of listed.filter((v) => v.sets === "cli")) expect(fromEnv, name).not.toContain(`"${name}"`)
  })
})
