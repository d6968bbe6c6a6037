import { Redis } from "ioredis"

/**
 * A plain ioredis client for tests to look inside Redis. Tests stop and
 * restart the server on purpose, so its connection errors are expected:
 * commands still reject, but nothing is printed as an unhandled error event.
 */
export function inspectorClient(url: string): Redis {
  const client = new Redis(url)
  client.on("error", () => {})
  return client
}
