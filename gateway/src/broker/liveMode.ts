import { ConduitError, ErrorCode } from "@conduit/shared"
import { type Cluster, type Redis, ReplyError } from "ioredis"

/** How live messages travel between nodes: sharded (SPUBLISH/SSUBSCRIBE, Redis ≥ 7) or plain Pub/Sub. */
export type LiveMode = "sharded" | "plain"
/** A node's setting: a mode, or "auto": the deployment's recorded mode, else sharded where Redis has it. */
export type LiveModeSetting = LiveMode | "auto"

/**
 * The deployment's live mode, agreed through Redis: the first node records
 * its mode at `key`; every other node follows it (on "auto") or refuses to
 * run (`ERR_CONFIG`) when configured otherwise, since a node publishing
 * sharded and one listening plain silently miss each other's messages.
 * No INFO needed (it is often renamed away): sharded support is probed.
 */
export async function agreeLiveMode(client: Redis | Cluster, key: string, setting: LiveModeSetting): Promise<LiveMode> {
  let recorded = (await client.get(key)) as LiveMode | null
  if (recorded === null) {
    const mine = setting === "auto" ? await probe(client, key) : setting
    // SET NX: when two nodes start together, one of them records, both then read the same value.
    await client.set(key, mine, "NX")
    recorded = (await client.get(key)) as LiveMode | null
    if (recorded === null) return mine // flushed in between: use ours, recorded again at the next check
  }
  if (setting !== "auto" && setting !== recorded) {
    throw new ConduitError(
      ErrorCode.CONFIG,
      `this node is configured for ${setting} Pub/Sub but the deployment records ${recorded} (Redis key ${key}): ` +
        "every node must use one mode, or live messages are lost between them; set CONDUIT_REDIS_PUBSUB alike everywhere",
      { details: { setting, recorded, key } },
    )
  }
  return recorded
}

async function probe(client: Redis | Cluster, key: string): Promise<LiveMode> {
  try {
    await client.call("SPUBLISH", `${key}:probe`, "")
    return "sharded"
  } catch (error) {
    if (!(error instanceof ReplyError)) throw error
    const message = (error as Error).message
    if (message.startsWith("MOVED") || message.startsWith("ASK")) {
      throw new ConduitError(ErrorCode.CONFIG, "this Redis is a cluster node: configure CONDUIT_REDIS_CLUSTER (the seed nodes) instead of CONDUIT_REDIS_URL", { cause: error })
    }
    return "plain" // Redis < 7, or SPUBLISH renamed away
  }
}
