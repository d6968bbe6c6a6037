import { Conduit } from "../sdk/Conduit.ts"
import { CLIENT_HELP, type Command, gatewayUrl, URL_OPTION, usageError } from "./Command.ts"

export const tokenCommand: Command = {
  name: "token",
  summary: "mint a subscription token for a channel (prints the token alone)",
  help: `conduit token --channel C [--topics a,b] [--expires-in SECONDS] [--sub ID] [--url URL]

Asks the gateway (POST /v1/tokens) for a subscription token and prints it
alone on stdout, so TOKEN=$(npx conduit token ...) works; when it expires goes
to stderr. A dev-mode gateway mints with its own per-process key.

  --channel C         the channel the token is for (required)
  --topics a,b        topics it grants (default: * = all)
  --expires-in S      seconds it may be used to connect (default: the gateway's, 60)
  --sub ID            who it is for, recorded as the sub claim
${CLIENT_HELP}`,
  options: { ...URL_OPTION, channel: { type: "string" }, topics: { type: "string" }, "expires-in": { type: "string" }, sub: { type: "string" } },
  positionals: [0, 0],
  async run({ values }, io) {
    const channel = values.channel
    if (typeof channel !== "string" || channel === "") throw usageError(tokenCommand, "--channel is required")
    const topics = typeof values.topics === "string" ? values.topics.split(",").map((t) => t.trim()).filter(Boolean) : ["*"]
    const expiresIn = values["expires-in"] === undefined ? undefined : Number(values["expires-in"])
    if (expiresIn !== undefined && !Number.isInteger(expiresIn)) {
      throw usageError(tokenCommand, `--expires-in must be whole seconds, got "${values["expires-in"]}"`)
    }
    const conduit = new Conduit({ url: gatewayUrl(values, io.env), signingKey: io.env.CONDUIT_SIGNING_KEY || undefined })
    const { token, expiresAt } = await conduit.getSubscriptionToken({
      channel,
      topics,
      ...(expiresIn === undefined ? {} : { expiresIn }),
      ...(typeof values.sub === "string" ? { sub: values.sub } : {}),
    })
    io.stdout.write(`${token}\n`)
    io.stderr.write(`conduit: token for ${channel} (${topics.join(",")}), expires at ${expiresAt}\n`)
    return 0
  },
}
