/** Whether the page is hidden (always false outside a browser). */
export function pageHidden(): boolean {
  return typeof document !== "undefined" && document.visibilityState === "hidden"
}

/** Calls `listener` on every visibility change; returns the unsubscribe. A no-op outside a browser. */
export function onVisibilityChange(listener: () => void): () => void {
  if (typeof document === "undefined") return () => {}
  // The document listened to, kept: the one to leave even if `document` is gone by then (tests).
  const doc = document
  doc.addEventListener("visibilitychange", listener)
  return () => doc.removeEventListener("visibilitychange", listener)
}

/**
 * Resolves once the page is visible again, or `signal` aborts. Waits on the
 * event, never on a timer: a hidden tab costs nothing.
 */
export function whenVisible(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stop()
      signal.removeEventListener("abort", done)
      resolve()
    }
    const stop = onVisibilityChange(() => {
      if (!pageHidden()) done()
    })
    if (signal.aborted || !pageHidden()) return done()
    signal.addEventListener("abort", done)
  })
}
