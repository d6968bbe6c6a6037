import { ConduitError, ErrorCode, parseJson, type PublishInput, readErrorBody, type SubscriptionToken } from "@conduit/shared"
import type { MintTokenInput } from "../auth/createAuth.ts"
import type { Gateway } from "../createGateway.ts"

/** How the SDK reaches a gateway: in the same process, or over HTTP. */
export interface PublishTransport {
  /** One publish request; `requestKey` is its `Idempotency-Key` (a retry with it publishes nothing twice). */
  publish(messages: PublishInput[], requestKey?: string): Promise<string[]>
  mintToken(input: MintTokenInput): Promise<SubscriptionToken>
}

export function inProcessTransport(gateway: Gateway): PublishTransport {
  return {
    publish: async (messages, requestKey) => (await gateway.publish(messages, requestKey === undefined ? undefined : { requestKey })).ids,
    mintToken: (input) => gateway.mintToken(input),
  }
}

export function httpTransport(url: string, signingKey: string | undefined, fetchImpl: typeof fetch): PublishTransport {
  const base = url.replace(/\/+$/, "")
  async function post<T>(path: string, body: unknown, requestKey?: string): Promise<T> {
    let res: Response
    try {
      res = await fetchImpl(`${base}${path}`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          ...(signingKey ? { Authorization: `Bearer ${signingKey}` } : {}),
          ...(requestKey === undefined ? {} : { "Idempotency-Key": requestKey }),
        },
        body: JSON.stringify(body),
      })
    } catch (error) {
      throw new ConduitError(ErrorCode.NETWORK, `cannot reach the gateway at ${base}`, { cause: error })
    }
    const text = await res.text()
    if (!res.ok) throw gatewayError(res.status, text)
    return parseJson(text) as T
  }
  return {
    publish: async (messages, requestKey) =>
      (await post<{ ids: string[] }>("/v1/publish", messages.length === 1 ? messages[0] : { messages }, requestKey)).ids,
    mintToken: (input) => post<SubscriptionToken>("/v1/tokens", input),
  }
}

/** The error a gateway's JSON error answer (`{ error: { code, message, ... } }`) stands for; ERR_HTTP when the body is not one. */
export function gatewayError(status: number, text: string): ConduitError {
  const body = readErrorBody(text)
  return new ConduitError(body?.code ?? ErrorCode.HTTP, body?.message ?? `gateway answered ${status}`, { details: { ...body?.details, status } })
}
