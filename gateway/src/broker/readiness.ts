/** Whether a broker's connections can serve, and who is told when that changes. */
export interface Readiness {
  isReady(): boolean
  onReadyChange(listener: (ready: boolean) => void): () => void
  /** Resolves true once ready, false after `timeoutMs`. */
  whenReady(timeoutMs: number): Promise<boolean>
}

/**
 * A ready flag and its listeners. `set` calls `onChange` first (the broker
 * notes what it loses before anyone reacts), then every listener.
 */
export function createReadiness(onChange: (ready: boolean) => void): Readiness & { set(ready: boolean): void; clear(): void } {
  const listeners = new Set<(ready: boolean) => void>()
  let ready = false
  return {
    isReady: () => ready,
    set(value) {
      if (value === ready) return
      ready = value
      onChange(value)
      for (const listener of [...listeners]) listener(value)
    },
    clear() {
      listeners.clear()
      ready = false
    },
    onReadyChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    whenReady(timeoutMs) {
      if (ready) return Promise.resolve(true)
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          listeners.delete(onReady)
          resolve(false)
        }, timeoutMs)
        const onReady = (value: boolean): void => {
          if (!value) return
          clearTimeout(timer)
          listeners.delete(onReady)
          resolve(true)
        }
        listeners.add(onReady)
      })
    },
  }
}
