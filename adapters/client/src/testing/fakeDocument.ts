// Node has no Page Visibility API: a minimal `document` with the two members the client reads.
export class FakeDocument extends EventTarget {
  visibilityState: "visible" | "hidden" = "visible"
  set(state: "visible" | "hidden") {
    this.visibilityState = state
    this.dispatchEvent(new Event("visibilitychange"))
  }
}

