import { isRetriable } from "./retryPolicy.ts"

export interface RetryingOptions {
  /** Tries in all, the first included. */
  tries: number
  /** Delay before try `n + 1`, ms. */
  delay(n: number): number
  sleep(ms: number, signal: AbortSignal): Promise<void>
}

const never = new AbortController().signal

/**
 * `fn` again after a failure another try could fix (`isRetriable`), up to
 * `tries` times: the runtime's bookkeeping (store writes, terminal `$run`
 * messages) survives a blip of its backend instead of failing the run.
 */
export async function retrying<T>(fn: () => Promise<T>, options: RetryingOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (error) {
      if (attempt >= options.tries || !isRetriable(error)) throw error
      const ms = options.delay(attempt)
      if (ms > 0) await options.sleep(ms, never)
    }
  }
}
