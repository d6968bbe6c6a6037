/** Whether the page is hidden (always false outside a browser). */
export function pageHidden(): boolean {
  return typeof document !== "undefined" && document.visibilityState === "hidden"
}

/** Calls `listener` on every visibility change; returns the unsubscribe. A no-op outside a browser. */
export function onVisibilityChange(listener: () => void): () => void {
  if (typeof document === "undefined") return () => {}
  document.addEventListener("visibilitychange", listener)
  return () => document.removeEventListener("visibilitychange", listener)
}
