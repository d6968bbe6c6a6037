/**
 * Calls `listener` each time the browser says the network is back (the
 * window's `online` event); returns the unsubscribe. A no-op where there is no
 * window (servers, workers without one). A reconnect waiting out its backoff
 * then tries at once, as TanStack Query's online manager refetches.
 */
export function onOnline(listener: () => void): () => void {
  const target = (globalThis as { window?: Pick<EventTarget, "addEventListener" | "removeEventListener"> }).window
  if (typeof target?.addEventListener !== "function") return () => {}
  // The window listened to, kept: the one to leave even if `window` is gone by then (tests).
  target.addEventListener("online", listener)
  return () => target.removeEventListener("online", listener)
}
