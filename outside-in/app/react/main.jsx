import { useRealtime } from "@conduit/react"
import { createRoot } from "react-dom/client"
import { pipeline } from "../channels.mjs"

function Run({ runId }) {
  const { connectionStatus, messages } = useRealtime({ url: "", channel: pipeline({ runId }), topics: ["tokens"] })
  return <p>{connectionStatus}: {(messages.byTopic.tokens ?? []).map((m) => m.data.token).join("")}</p>
}

createRoot(document.getElementById("root")).render(<Run runId="run_1" />)
