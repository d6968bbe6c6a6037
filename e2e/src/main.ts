import "./styles.css"
import { startRun } from "./demoApi.ts"
import { mountPanels } from "./mountPanels.ts"
import { realtimeOptions } from "./realtimeOptions.ts"

// Page glue only: start a run, point the three panels at it. The panels render;
// the client (behind each adapter) does the connecting, resuming and deduping.
const button = document.getElementById("start") as HTMLButtonElement
const runLine = document.getElementById("run")!
const curlLine = document.getElementById("curl")!
let unmountPanels: (() => void) | undefined

function code(text: string): HTMLElement {
  const element = document.createElement("code")
  element.textContent = text
  return element
}

/** Shows one run: `?run=<id>` in the address bar, so a reload or a second tab watches the same run. */
function show(runId: string): void {
  unmountPanels?.()
  const url = new URL(location.href)
  url.searchParams.set("run", runId)
  history.replaceState(null, "", url)
  const { options, channelName } = realtimeOptions(runId)
  runLine.dataset.runId = runId
  runLine.replaceChildren("Run ", code(runId), " on channel ", code(channelName))
  curlLine.replaceChildren(
    "Watch it from a terminal too: ",
    code(`curl -N "${location.origin}/v1/subscribe?channel=${channelName}&lastEventId=0"`),
  )
  curlLine.hidden = false
  unmountPanels = mountPanels(options)
}

button.addEventListener("click", async () => {
  button.disabled = true
  try {
    show((await startRun()).runId)
  } catch (error) {
    runLine.textContent = `Could not start a run: ${String(error)}`
  } finally {
    button.disabled = false
  }
})

const requested = new URLSearchParams(location.search).get("run")
if (requested) show(requested)
