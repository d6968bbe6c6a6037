import type { Logger } from "pino"

export interface HealthCheckOptions {
  /** Sends one PING; rejects when it is not answered in time (the connection's command timeout). */
  ping: () => Promise<unknown>
  /** Whether a PING can be sent now (the connection is up). */
  canPing: () => boolean
  intervalMs: number
  /** Unanswered PINGs in a row that mean "Redis is gone" (one late answer is load, not an outage). */
  misses: number
  /** Called once `misses` PINGs in a row went unanswered. */
  onDown: () => void
  logger: Logger | undefined
}

/**
 * PINGs on a connection that carries nothing else, so a slow replay or a
 * burst of publishes never delays it, and only several unanswered in a row
 * count: a half-open connection or a hung Redis (TCP stays up, nothing
 * answers) is noticed, a busy one is not mistaken for it.
 */
export function startHealthCheck(options: HealthCheckOptions): { stop(): void } {
  let missed = 0
  let inFlight = false
  const timer = setInterval(() => {
    if (inFlight || !options.canPing()) return
    inFlight = true
    options.ping().then(
      () => {
        missed = 0
      },
      () => {
        missed++
        options.logger?.warn({ missed, of: options.misses }, "redis did not answer a health PING in time")
        if (missed < options.misses) return
        missed = 0
        options.onDown()
      },
    ).finally(() => {
      inFlight = false
    })
  }, options.intervalMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
