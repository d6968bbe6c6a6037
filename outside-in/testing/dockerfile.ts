import { readFileSync } from "node:fs"

/** What the outside-in test takes from the Dockerfile to run it without Docker. */
export interface DockerSteps {
  /** `RUN` commands of every stage, in order. */
  run: string[]
  /** The final stage's `ENV`. */
  env: Record<string, string>
  /** The final stage's `CMD`, exec form. */
  cmd: string[]
  /** `HEALTHCHECK ... CMD`, exec form. */
  healthcheck: string[]
  user: string | undefined
}

/** Reads the instructions the image is made of (continuation lines joined, comments dropped). */
export function readDockerfile(path: string): DockerSteps {
  const instructions = readFileSync(path, "utf8")
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
  const steps: DockerSteps = { run: [], env: {}, cmd: [], healthcheck: [], user: undefined }
  for (const line of instructions) {
    const [keyword, ...rest] = line.split(/\s+/)
    const args = rest.join(" ")
    if (keyword === "FROM") steps.env = {}
    if (keyword === "RUN") steps.run.push(args)
    if (keyword === "ENV") for (const [, k, v] of args.matchAll(/(\w+)=(\S+)/g)) steps.env[k!] = v!
    if (keyword === "CMD") steps.cmd = JSON.parse(args) as string[]
    if (keyword === "USER") steps.user = args
    if (keyword === "HEALTHCHECK") steps.healthcheck = JSON.parse(args.slice(args.indexOf("CMD ") + 4)) as string[]
  }
  return steps
}
