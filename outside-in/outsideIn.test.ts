import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { freePort } from "../gateway/src/testing/redisServer.ts"
import { publishedPackages, root, tarballName } from "../scripts/packages.mjs"
import { readDockerfile } from "./testing/dockerfile.ts"
import { consumerEnv, type Running, run, start } from "./testing/processes.ts"

// Outside-in: pack every published package, install the tarballs into a fresh
// project outside the repository, and use them there the way a user would.
const work = mkdtempSync(join(tmpdir(), "conduit-outside-in-"))
const PACKAGES = join(work, "packages")
const APP = join(work, "app")
const IMAGE = join(work, "image")
const packages = publishedPackages()
const docker = readDockerfile(join(root, "Dockerfile"))
const KEY = "outside-in-signing-key-of-32-bytes-or-more"
// What the app installs beside the tarballs, at the versions this repository uses (cached by its npm install).
const EXTRAS = ["express", "zod", "inngest", "react", "react-dom", "vue", "svelte", "vite", "@vitejs/plugin-react", "@vitejs/plugin-vue", "@sveltejs/vite-plugin-svelte", "typescript", "@types/node"]
  .map((name) => `${name}@${JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version}`)

/** A Dockerfile RUN step, run here: /packages and /app are folders of this test. */
function dockerStep(prefix: string): string[] {
  const step = docker.run.find((command) => command.startsWith(prefix))
  if (!step) throw new Error(`the Dockerfile has no RUN ${prefix}…`)
  return step.split(" ").map((arg) => (arg === "/packages" ? PACKAGES : arg === "/app" ? IMAGE : arg))
}
/** Runs a step and fails with its output when it fails. */
async function mustRun(command: string, args: string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd)
  if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.code}:\n${result.stdout}\n${result.stderr}`)
  return result.stdout
}
const running: Running[] = []
const npxConduit = (args: string[], env: Record<string, string> = {}) => {
  const process = start("npx", ["--no", "conduit", ...args], APP, consumerEnv(env))
  running.push(process)
  return process
}

beforeAll(async () => {
  const [pack, ...packArgs] = dockerStep("node scripts/packPackages.mjs")
  console.log(await mustRun(pack!, packArgs, root))
  cpSync(join(root, "outside-in/app"), APP, { recursive: true })
  await mustRun("node", [join(root, "scripts/installPackages.mjs"), PACKAGES, APP, ...EXTRAS], APP)
}, 600_000)

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()))
  rmSync(work, { recursive: true, force: true })
})

describe("the tarballs", () => {
  const packed = () => JSON.parse(readFileSync(join(PACKAGES, "packed.json"), "utf8")) as Array<{ name: string; files: Array<{ path: string }> }>

  it.each(packages.map((p) => p.name))("%s holds its build, README and LICENSE; no sources, tests, fixtures or bench", (name) => {
    const { dir } = packages.find((p) => p.name === name)!
    const files = packed().find((p) => p.name === name)!.files.map((f) => f.path)
    const readme = existsSync(join(root, dir, "README.md")) ? ["README.md"] : []
    expect(files).toEqual(expect.arrayContaining(["package.json", "LICENSE", ...readme, "dist/index.js", "dist/index.d.ts", "dist/index.js.map"]))
    expect(files.filter((f) => /(^src\/|\.test\.|\.test-d\.|\.soak\.|testing\/|fixtures|bench|tsconfig|\.tsbuildinfo)/.test(f))).toEqual([])
  })

  it.each(packages.map((p) => p.name))("publint --strict passes: %s", async (name) => {
    const tarball = join(PACKAGES, tarballName(packages.find((p) => p.name === name)!))
    const result = await run(join(root, "node_modules/.bin/publint"), ["run", tarball, "--strict"], root)
    expect(result.stdout + result.stderr).toContain("All good!")
    expect(result.code).toBe(0)
  })

  it.each(packages.map((p) => p.name))("@arethetypeswrong/cli passes (ESM only): %s", async (name) => {
    const tarball = join(PACKAGES, tarballName(packages.find((p) => p.name === name)!))
    const result = await run(join(root, "node_modules/.bin/attw"), [tarball, "--profile", "esm-only", "--format", "ascii", "--no-color"], root)
    // Only the CommonJS resolutions (node10, node16 from CJS) fail, and the esm-only profile ignores them by design.
    expect(result.stdout).toMatch(/^node16 \(from ESM\): 🟢 \(ESM\)$/m)
    expect(result.stdout).toMatch(/^bundler: 🟢 ?$/m)
    expect(result.code).toBe(0)
  })

  it('the React adapter keeps "use client" (Next.js App Router)', () => {
    const entry = readFileSync(join(APP, "node_modules/@conduit/react/dist/index.js"), "utf8")
    expect(entry.startsWith('"use client";')).toBe(true)
  })
})

describe("in a project outside the repository", () => {
  it("plain node: the gateway embedded in Express, publishing with the SDK, receiving with @conduit/client", async () => {
    const stdout = await mustRun("node", ["embed.mjs"], APP)
    console.log(stdout)
    expect(stdout).toContain("subscribed with @conduit/client: open")
    expect(stdout).toContain('refused before sending: ERR_VALIDATION (data does not match the schema of topic "status")')
    expect(stdout).toMatch(/^received status \{"message":"Researching"\} id=\d+-\d+$/m)
    expect(stdout).toMatch(/^received tokens \{"token":"Hel"\} id=\d+-\d+$/m)
    expect(stdout).toContain("tokens joined: Hello")
  })

  it("tsc --noEmit (strict, NodeNext, no skipLibCheck, no DOM lib) passes on a typed consumer; a wrong topic is a type error", async () => {
    const tsc = join(APP, "node_modules/.bin/tsc")
    const passing = await run(tsc, ["-p", "tsconfig.json"], APP)
    console.log(`tsc -p tsconfig.json: exit ${passing.code}${passing.stdout}`)
    expect(passing.stdout).toBe("")
    expect(passing.code).toBe(0)
    writeFileSync(join(APP, "wrong.ts"), readFileSync(join(APP, "typed.ts"), "utf8").replace('"status" /* WRONG_TOPIC */', '"statuz"'))
    const config = JSON.parse(readFileSync(join(APP, "tsconfig.json"), "utf8"))
    // Our declarations were checked just above: skip them this time.
    const wrong = { ...config, compilerOptions: { ...config.compilerOptions, skipLibCheck: true }, files: ["wrong.ts"] }
    writeFileSync(join(APP, "tsconfig.wrong.json"), JSON.stringify(wrong))
    const failing = await run(tsc, ["-p", "tsconfig.wrong.json"], APP)
    console.log(`tsc with the wrong topic: exit ${failing.code}\n${failing.stdout}`)
    expect(failing.code).toBe(2)
    expect(failing.stdout.trim().split("\n")).toEqual([
      // tsc prints the union in either order.
      expect.stringMatching(/^wrong\.ts\(\d+,\d+\): error TS2820: Type '"statuz"' is not assignable to type '("tokens" \| "status"|"status" \| "tokens")'/),
    ])
  })

  it.each(["react", "vue", "svelte"])("vite build of a small %s app using its adapter", async (app) => {
    await mustRun(join(APP, "node_modules/.bin/vite"), ["build", app, "--logLevel", "warn"], APP)
    const assets = join(APP, app, "dist/assets")
    const bundle = readdirSync(assets).filter((f) => f.endsWith(".js")).map((f) => readFileSync(join(assets, f), "utf8")).join("")
    expect(existsSync(join(APP, app, "dist/index.html"))).toBe(true)
    // The client, from @conduit/client's dist, is in the bundle.
    expect(bundle).toContain("text/event-stream")
  })

  it("npx conduit dev answers /healthz and serves the demo; npx conduit token prints a token it accepts; tail shows a publish", async () => {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const dev = npxConduit(["dev", "--port", String(port)], { CONDUIT_LOG_LEVEL: "warn" })
    await dev.waitFor(/Conduit gateway ready on http:\/\/127\.0\.0\.1:\d+  \(dev mode: no tokens needed\)/)
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" })
    const page = await fetch(`${url}/`)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain("<title>Conduit demo")
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!
    const bundle = await fetch(`${url}${script}`)
    expect(bundle.status).toBe(200)
    // A production build: React's development-only warnings are not in it.
    const production = !(await bundle.text()).includes("is deprecated in plain JavaScript React classes")
    expect(production, "the demo page in the package is a development build").toBe(true)

    const token = await run("npx", ["--no", "conduit", "token", "--channel", "pipeline:run_123", "--topics", "status", "--expires-in", "300", "--url", url], APP)
    expect(token.code).toBe(0)
    const stream = await fetch(`${url}/v1/subscribe?channel=pipeline:run_123`, { headers: { Authorization: `Bearer ${token.stdout.trim()}` } })
    expect(stream.status).toBe(200)
    expect(stream.headers.get("content-type")).toContain("text/event-stream")
    await stream.body?.cancel()
    const otherChannel = await fetch(`${url}/v1/subscribe?channel=pipeline:run_124`, { headers: { Authorization: `Bearer ${token.stdout.trim()}` } })
    expect(otherChannel.status).toBe(403)

    const tail = npxConduit(["tail", "pipeline:run_123", "--url", url])
    await tail.waitFor(/· connected to /)
    const published = await run("npx", ["--no", "conduit", "publish", "pipeline:run_123", "status", '{"message":"Researching"}', "--url", url], APP)
    expect(published.code).toBe(0)
    await tail.waitFor(new RegExp(`status\\s+\\{"message":"Researching"\\}  ${published.stdout.trim()}`))
    // npx runs npm exec → sh → node; the signal goes to the whole group, and node drains the streams.
    await dev.stop()
    await tail.waitFor(/\$close\s+shutdown: the gateway ends the stream/)
    // The first reconnect waits a delay drawn from shutdown's window (1–5 s); refused, it retries at the base delay.
    await tail.waitFor(/stream ended: reconnecting in [1-5]\d{3} ms/)
    await tail.waitFor(/· cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): reconnecting in 1000 ms/)
    await tail.stop("SIGINT")
    console.log(`npx conduit tail:\n${tail.output()}`)
  })
})

describe("the container's steps, without Docker", () => {
  it("Dockerfile: packs with the command this test ran, installs the gateway alone, runs non-root with production rules", async () => {
    expect(docker.run).toEqual([
      "npm ci --no-audit --no-fund",
      "node scripts/packPackages.mjs /packages",
      "node scripts/installPackages.mjs /packages /app --only @conduit/gateway",
    ])
    expect(docker.user).toBe("node")
    expect(docker.env.NODE_ENV).toBe("production")
    const [install, ...args] = dockerStep("node scripts/installPackages.mjs")
    await mustRun(install!, args, root)
    expect(readdirSync(join(IMAGE, "node_modules/@conduit")).sort()).toEqual(["client", "gateway", "shared"])
  })

  it("its CMD refuses to start without a key; with one it passes the HEALTHCHECK and drains on SIGTERM", async () => {
    const [node, ...cmd] = docker.cmd
    const port = String(await freePort())
    const env = { ...docker.env, CONDUIT_HOST: "127.0.0.1", CONDUIT_PORT: port, CONDUIT_LOG_LEVEL: "warn" }
    const refused = await run(node!, cmd, IMAGE, consumerEnv(env))
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim()).toBe("conduit: ERR_CONFIG: in production CONDUIT_SIGNING_KEY must be set to at least 32 bytes")

    const gateway = start(node!, cmd, IMAGE, consumerEnv({ ...env, CONDUIT_SIGNING_KEY: KEY }))
    running.push(gateway)
    await gateway.waitFor(/Conduit gateway ready on /)
    const [check, ...checkArgs] = docker.healthcheck
    expect((await run(check!, checkArgs, IMAGE, consumerEnv(env))).code).toBe(0)
    const stream = await fetch(`http://127.0.0.1:${port}/v1/subscribe?channel=c`, { headers: { Authorization: `Bearer ${KEY}` } })
    expect(stream.status).toBe(200)
    const body = stream.text()
    expect(await gateway.stop("SIGTERM")).toBe(0)
    expect(await body).toContain('event: $close\ndata: {"reason":"shutdown"}')
  })
})
