import { randomBytes } from "node:crypto"
import { createServer } from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import { runCliProcess, spawnCli } from "../testing/cliProcess.ts"
import { openStream } from "../testing/openStream.ts"
import { freePort } from "../testing/redisServer.ts"
import { type GatewayProcess, startGatewayProcess } from "../testing/startGatewayProcess.ts"

const KEY = randomBytes(32).toString("base64url")
const running: GatewayProcess[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((g) => g.kill()))
})
async function gateway(env: Record<string, string> = {}, command: "dev" | "start" = "dev"): Promise<GatewayProcess> {
  const g = await startGatewayProcess(env, 30_000, command)
  running.push(g)
  return g
}
/** A one-line error: the text, no stack frames. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split("\n")
  expect(lines).toHaveLength(1)
  expect(stderr).not.toMatch(/^\s+at /m)
  return lines[0]!
}

describe("conduit dev and start", { timeout: 60_000 }, () => {
  it("CONDUIT_DEV=0 without a signing key refuses to start, in one line", async () => {
    const r = await runCliProcess(["dev"], { CONDUIT_DEV: "0", CONDUIT_PORT: "0" })
    expect(r.code).toBe(1)
    expect(r.stdout).not.toContain("ready")
    expect(oneLine(r.stderr)).toMatch(/^conduit: ERR_CONFIG: .*CONDUIT_SIGNING_KEY/)
  })

  it("start refuses without a key, or with one shorter than 32 bytes", async () => {
    for (const key of ["", "short"]) {
      const r = await runCliProcess(["start"], { CONDUIT_SIGNING_KEY: key, CONDUIT_PORT: "0" })
      expect(r.code).toBe(1)
      expect(oneLine(r.stderr)).toMatch(/^conduit: ERR_CONFIG: .*CONDUIT_SIGNING_KEY must be set to at least 32 bytes/)
    }
  })

  it("start with a key: tokens required, no demo, publish needs the key", async () => {
    const g = await gateway({ CONDUIT_SIGNING_KEY: KEY }, "start")
    expect((await fetch(`${g.url}/v1/subscribe?channel=c`)).status).toBe(401)
    const published = await runCliProcess(["publish", "c", "t", "1", "--url", g.url], { CONDUIT_SIGNING_KEY: "" })
    expect(published.code).toBe(1)
    expect(oneLine(published.stderr)).toMatch(/^conduit: ERR_UNAUTHORIZED: /)
  })

  it("dev mounts the demo (its run route answers); start does not", async () => {
    const dev = await gateway()
    expect((await fetch(`${dev.url}/demo/runs`, { method: "POST" })).status).toBe(201)
    const start = await gateway({ CONDUIT_SIGNING_KEY: KEY }, "start")
    expect((await fetch(`${start.url}/demo/runs`, { method: "POST" })).status).toBe(404)
  })

  it("a port in use is one line naming the port", async () => {
    const blocker = createServer().listen(0, "127.0.0.1")
    await new Promise((resolve) => blocker.once("listening", resolve))
    const port = (blocker.address() as { port: number }).port
    try {
      const r = await runCliProcess(["dev", "--port", String(port)])
      expect(r.code).toBe(1)
      expect(oneLine(r.stderr)).toBe(
        `conduit: port ${port} on 127.0.0.1 is already in use (another gateway?): choose another with --port or CONDUIT_PORT`,
      )
    } finally {
      blocker.close()
    }
  })

  it("bad configuration is one line with ERR_CONFIG", async () => {
    const r = await runCliProcess(["dev"], { CONDUIT_HISTORY_SIZE: "lots", CONDUIT_PORT: "0" })
    expect(r.code).toBe(1)
    expect(oneLine(r.stderr)).toBe('conduit: ERR_CONFIG: CONDUIT_HISTORY_SIZE must be an integer, got "lots"')
  })
})

describe("conduit token and publish", { timeout: 60_000 }, () => {
  it("token prints a token the gateway accepts, for that channel only (dev mode verifies sent tokens)", async () => {
    const g = await gateway()
    const r = await runCliProcess(["token", "--channel", "orders:1", "--topics", "status", "--expires-in", "300", "--url", g.url])
    expect(r.code).toBe(0)
    const token = r.stdout.trim()
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    const ok = await openStream(`${g.url}/v1/subscribe?channel=orders:1`, { Authorization: `Bearer ${token}` })
    expect(ok.status).toBe(200)
    ok.close()
    const other = await fetch(`${g.url}/v1/subscribe?channel=orders:2`, { headers: { Authorization: `Bearer ${token}` } })
    expect(other.status).toBe(403)
  })

  it("with production rules, token and publish use CONDUIT_SIGNING_KEY", async () => {
    const g = await gateway({ CONDUIT_SIGNING_KEY: KEY }, "start")
    const env = { CONDUIT_SIGNING_KEY: KEY, CONDUIT_URL: g.url }
    const token = (await runCliProcess(["token", "--channel", "c", "--topics", "a"], env)).stdout.trim()
    const stream = await openStream(`${g.url}/v1/subscribe?channel=c`, { Authorization: `Bearer ${token}` })
    expect(stream.status).toBe(200)
    const published = await runCliProcess(["publish", "c", "a", '{"json":1}'], env)
    expect(published.code).toBe(0)
    await stream.waitFor((events) => events.some((e) => e.event === "a"))
    const message = JSON.parse(stream.messages()[0]!.data)
    expect(message).toMatchObject({ id: published.stdout.trim(), channel: "c", topic: "a", data: { json: 1 } })
    stream.close()
  })

  it("publish refuses data that is not JSON, in one line", async () => {
    const r = await runCliProcess(["publish", "c", "a", "{json:1}", "--url", `http://127.0.0.1:${await freePort()}`])
    expect(r.code).toBe(1)
    expect(oneLine(r.stderr)).toMatch(/^conduit: ERR_CONFIG: JSON must be valid JSON/)
  })

  it("no gateway is one line naming the URL", async () => {
    const port = await freePort()
    const r = await runCliProcess(["token", "--channel", "c", "--url", `http://127.0.0.1:${port}`])
    expect(r.code).toBe(1)
    expect(oneLine(r.stderr)).toBe(`conduit: ERR_NETWORK: cannot reach the gateway at http://127.0.0.1:${port} (ECONNREFUSED)`)
  })
})

describe("conduit tail", { timeout: 60_000 }, () => {
  it("shows live messages, replays with --from all, shows $close and keeps reconnecting when the gateway stops", async () => {
    const g = await gateway()
    await runCliProcess(["publish", "runs", "status", '{"message":"before"}', "--url", g.url])
    const tail = spawnCli(["tail", "runs", "--from", "all", "--url", g.url])
    let out = ""
    tail.stdout.on("data", (d) => (out += d))
    try {
      await expect.poll(() => out, { timeout: 15_000 }).toMatch(/status\s+\{"message":"before"\}/)
      const id = (await runCliProcess(["publish", "runs", "tokens", '{"token":"Hel"}', "--url", g.url])).stdout.trim()
      await expect.poll(() => out, { timeout: 15_000 }).toContain(`{"token":"Hel"}  ${id}`)
      expect(out).toMatch(/^\d\d:\d\d:\d\d\.\d{3}  · connected to http:\/\/127\.0\.0\.1:\d+, channel runs, replaying history$/m)
      expect(out).toMatch(/^\d\d:\d\d:\d\d\.\d{3}  tokens     \{"token":"Hel"\}  \d+-\d+$/m)
      await g.kill()
      await expect.poll(() => out, { timeout: 15_000 }).toMatch(/\$close\s+shutdown: the gateway ends the stream/)
      // The client waits the delay the gateway drew from shutdown's reconnect window (1–5 × the 1 s base), then keeps trying.
      await expect.poll(() => out, { timeout: 15_000 }).toMatch(/stream ended: reconnecting in \d+ ms/)
      const drawn = Number(/stream ended: reconnecting in (\d+) ms/.exec(out)![1])
      expect(drawn).toBeGreaterThanOrEqual(1000)
      expect(drawn).toBeLessThanOrEqual(5000)
      await expect.poll(() => out, { timeout: 15_000 }).toMatch(/cannot reach the gateway at .*: reconnecting in \d+ ms/)
    } finally {
      tail.kill("SIGINT")
    }
    expect(await new Promise((resolve) => tail.once("exit", resolve))).toBe(0)
  })

  it("a refused subscribe ends it with one line", async () => {
    const g = await gateway({ CONDUIT_SIGNING_KEY: KEY }, "start")
    const r = await runCliProcess(["tail", "runs", "--url", g.url, "--token", "not-a-token"])
    expect(r.code).toBe(1)
    expect(oneLine(r.stderr)).toMatch(/^conduit: ERR_TOKEN_INVALID: /)
  })
})

describe("conduit --help", { timeout: 60_000 }, () => {
  it("every command has --help, and an unknown command exits 2", async () => {
    const names = ["dev", "start", "token", "publish", "tail"]
    const [top, unknown, ...helps] = await Promise.all([
      runCliProcess(["--help"]),
      runCliProcess(["serve"]),
      ...names.map((name) => runCliProcess([name, "--help"])),
    ])
    expect(top!.code).toBe(0)
    names.forEach((name, i) => {
      expect(top!.stdout).toMatch(new RegExp(`^  ${name} `, "m"))
      expect(helps[i]!.code).toBe(0)
      expect(helps[i]!.stdout.startsWith(`conduit ${name}`)).toBe(true)
    })
    expect(unknown!.code).toBe(2)
    expect(unknown!.stderr).toContain('conduit: unknown command "serve"')
  })
})
