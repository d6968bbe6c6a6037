import { type ChildProcess, execFile, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import calculateSlot from "cluster-key-slot"
import { Redis } from "ioredis"
import { freePort, waitForPing } from "./redisServer.ts"

const run = promisify(execFile)

/** One `redis-server` of a test cluster. */
export interface ClusterNode {
  readonly port: number
  /** `127.0.0.1:port`, as the cluster names it. */
  readonly address: string
  /** SIGKILL: the node dies with whatever it had not replicated yet. */
  kill(): Promise<void>
  /** SIGSTOP / SIGCONT: a hung node. */
  pause(): void
  resume(): void
  /** On a primary: closes its replication links (CLIENT KILL TYPE replica); a paused replica cannot take them up again. */
  dropReplicaLinks(): Promise<void>
}

/** A real Redis Cluster on loopback ports, for tests: N primaries, each with its replicas. */
export interface TestRedisCluster {
  readonly nodes: readonly ClusterNode[]
  /** Seed list for the gateway (`CONDUIT_REDIS_CLUSTER`): every node's address. */
  readonly seeds: string[]
  /** The node serving `slot` as primary now. */
  primaryOf(slot: number): Promise<ClusterNode>
  /** The replicas of the primary serving `slot` now. */
  replicasOf(slot: number): Promise<ClusterNode[]>
  /** Resolves once every slot is served by a live primary again (after a kill, once a replica took over). */
  waitHealthy(timeoutMs?: number): Promise<void>
  /** Moves one slot, with its keys, to another primary (what resharding does, slot by slot). */
  moveSlot(slot: number, to: ClusterNode): Promise<void>
  close(): Promise<void>
}

/**
 * Resolves once `count` nodes are replicas whose link to their primary is up
 * (a replica that never synced cannot take over). `--cluster create` returns
 * before its replicas are configured.
 */
async function replicasSynced(ports: number[], count: number, timeoutMs = 20_000): Promise<void> {
  const clients = ports.map((port) => {
    const client = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 0 })
    client.on("error", () => {})
    return client
  })
  const deadline = Date.now() + timeoutMs
  try {
    for (;;) {
      const roles = (await Promise.all(clients.map((c) => c.call("ROLE")))) as unknown[][]
      if (roles.filter((r) => r[0] === "slave" && r[3] === "connected").length >= count) return
      if (Date.now() > deadline) throw new Error("the cluster's replicas did not sync")
      await new Promise((r) => setTimeout(r, 50))
    }
  } finally {
    for (const c of clients) c.disconnect()
  }
}

type SlotRange = [number, number, [string, number, string], ...[string, number, string][]]

/** The cluster slot of a key (hash tags honoured), as Redis computes it. */
export const slotOf = (key: string): number => calculateSlot(key)

export interface StartClusterOptions {
  /** @default 3 */
  primaries?: number
  /** @default 1 */
  replicasPerPrimary?: number
  /** `cluster-node-timeout`: how long before a silent primary is failed over, ms. @default 1000 */
  nodeTimeoutMs?: number
}

/**
 * Starts `redis-server --cluster-enabled yes` processes and joins them with
 * `redis-cli --cluster create … --cluster-replicas N`; resolves once every
 * slot is served. No persistence. Slots stay served while one shard fails
 * over (`cluster-require-full-coverage no`), as a production cluster would
 * be configured to keep the other shards available.
 */
export async function startRedisCluster(options: StartClusterOptions = {}): Promise<TestRedisCluster> {
  const primaries = options.primaries ?? 3
  const replicas = options.replicasPerPrimary ?? 1
  const dir = mkdtempSync(join(tmpdir(), "conduit-cluster-"))
  const children: ChildProcess[] = []
  const nodes: ClusterNode[] = []
  for (let i = 0; i < primaries * (1 + replicas); i++) {
    const port = await freePort()
    const child = spawn(
      process.env.REDIS_SERVER ?? "redis-server",
      [
        "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir,
        "--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`,
        "--cluster-node-timeout", String(options.nodeTimeoutMs ?? 1000), "--cluster-require-full-coverage", "no",
        "--repl-diskless-sync-delay", "0", // replicas in sync at once: one that never synced cannot take over
      ],
      { cwd: dir, stdio: "ignore" },
    )
    children.push(child)
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()))
    nodes.push({
      port,
      address: `127.0.0.1:${port}`,
      async kill() {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGCONT") // a paused process dies as well, but only once it runs again
          child.kill("SIGKILL")
        }
        await gone
      },
      pause: () => child.kill("SIGSTOP"),
      resume: () => child.kill("SIGCONT"),
      async dropReplicaLinks() {
        const client = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 0 })
        client.on("error", () => {})
        try {
          await client.client("KILL", "TYPE", "replica")
        } finally {
          client.disconnect()
        }
      },
    })
  }
  const close = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.kill()))
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await Promise.all(nodes.map((n) => waitForPing(n.port)))
    await run("redis-cli", ["--cluster", "create", ...nodes.map((n) => n.address), "--cluster-replicas", String(replicas), "--cluster-yes"])
  } catch (error) {
    await close()
    throw error
  }

  /** A CLUSTER subcommand's answer from any live node. */
  async function askCluster(subcommand: "SLOTS" | "NODES"): Promise<unknown> {
    for (const n of nodes) {
      const client = new Redis({ port: n.port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 })
      client.on("error", () => {})
      try {
        await client.connect()
        return await client.call("CLUSTER", subcommand)
      } catch {
        // dead node: ask the next
      } finally {
        client.disconnect()
      }
    }
    throw new Error("no cluster node answers")
  }
  /** CLUSTER SLOTS: [start, end, primary, …replicas], each [host, port, id]. */
  const slotTable = async () => (await askCluster("SLOTS")) as SlotRange[]
  const alive = async (port: number) => {
    try {
      await waitForPing(port, 300)
      return true
    } catch {
      return false
    }
  }

  const rangeOf = async (slot: number): Promise<SlotRange> => {
    const range = (await slotTable()).find(([start, end]) => slot >= start && slot <= end)
    if (!range) throw new Error(`no primary serves slot ${slot}`)
    return range
  }
  const nodeAt = (port: number): ClusterNode => nodes.find((n) => n.port === port)!
  const connectTo = (node: ClusterNode): Redis => {
    const client = new Redis({ port: node.port, host: "127.0.0.1", maxRetriesPerRequest: 0 })
    client.on("error", () => {})
    return client
  }

  const cluster: TestRedisCluster = {
    nodes,
    seeds: nodes.map((n) => n.address),
    primaryOf: async (slot) => nodeAt((await rangeOf(slot))[2][1]),
    async replicasOf(slot) {
      const primaryId = (await rangeOf(slot))[2][2]
      // CLUSTER NODES lines: id address flags primary-id …; a live replica of the primary has "slave" and no "fail".
      const lines = String(await askCluster("NODES")).split("\n").map((l) => l.split(" "))
      const replicas = lines.filter((f) => f[3] === primaryId && f[2]!.includes("slave") && !f[2]!.includes("fail"))
      return replicas.map((f) => nodeAt(Number(f[1]!.split("@")[0]!.split(":")[1])))
    },
    async waitHealthy(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const table = await slotTable().catch(() => [])
        const covered = table.reduce((sum, [start, end]) => sum + end - start + 1, 0)
        const live = await Promise.all(table.map(([, , [, port]]) => alive(port)))
        if (covered === 16384 && live.every(Boolean)) return
        if (Date.now() > deadline) throw new Error("cluster did not become healthy")
        await new Promise((r) => setTimeout(r, 100))
      }
    },
    async moveSlot(slot, to) {
      const from = await cluster.primaryOf(slot)
      const [source, target] = [connectTo(from), connectTo(to)]
      try {
        const [sourceId, targetId] = await Promise.all([source.cluster("MYID"), target.cluster("MYID")])
        await target.cluster("SETSLOT", slot, "IMPORTING", sourceId)
        await source.cluster("SETSLOT", slot, "MIGRATING", targetId)
        for (;;) {
          const keys = (await source.cluster("GETKEYSINSLOT", slot, 100)) as string[]
          if (keys.length === 0) break
          await source.migrate("127.0.0.1", to.port, "", 0, 5000, "KEYS", ...keys)
        }
        // Every primary learns the new owner at once (gossip would, more slowly).
        for (const node of nodes) {
          const client = connectTo(node)
          try {
            if ((await client.call("ROLE") as string[])[0] === "master") await client.cluster("SETSLOT", slot, "NODE", targetId)
          } catch {
            // a dead node
          } finally {
            client.disconnect()
          }
        }
      } finally {
        source.disconnect()
        target.disconnect()
      }
    },
    close,
  }
  await cluster.waitHealthy()
  await replicasSynced(nodes.map((n) => n.port), primaries * replicas)
  return cluster
}
