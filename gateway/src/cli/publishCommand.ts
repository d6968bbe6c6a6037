import { httpTransport } from "../sdk/publishTransport.ts"
import { CLIENT_HELP, type Command, gatewayUrl, URL_OPTION, usageError } from "./Command.ts"

export const publishCommand: Command = {
  name: "publish",
  summary: "publish one message: conduit publish CHANNEL TOPIC JSON",
  help: `conduit publish CHANNEL TOPIC JSON [--run-id ID] [--idempotency-key KEY] [--url URL]

Publishes one message (POST /v1/publish) and prints its id. JSON is the
message's data, e.g. '{"message":"hello"}' (quote it for your shell).

  --run-id ID             the run the message belongs to
  --idempotency-key KEY   a repeat with the same key publishes nothing and prints the first id
${CLIENT_HELP}`,
  options: { ...URL_OPTION, "run-id": { type: "string" }, "idempotency-key": { type: "string" } },
  positionals: [3, 3],
  async run({ values, positionals }, io) {
    const [channel, topic, json] = positionals as [string, string, string]
    let data: unknown
    try {
      data = JSON.parse(json)
    } catch (error) {
      throw usageError(publishCommand, `JSON must be valid JSON, e.g. '{"message":"hello"}' (${(error as Error).message})`)
    }
    const runId = values["run-id"]
    const idempotencyKey = values["idempotency-key"]
    const transport = httpTransport(gatewayUrl(values, io.env), io.env.CONDUIT_SIGNING_KEY || undefined, globalThis.fetch)
    const [id] = await transport.publish([
      {
        channel,
        topic,
        data,
        ...(typeof runId === "string" ? { runId } : {}),
        ...(typeof idempotencyKey === "string" ? { idempotencyKey } : {}),
      },
    ])
    io.stdout.write(`${id}\n`)
    return 0
  },
}
