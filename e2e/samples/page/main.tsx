import { StrictMode } from "react"
import { createRoot } from "react-dom/client"
import V3Home from "../v3/app/page.tsx"
import V4Home from "../v4/app/page.tsx"

// Renders one sample's client component, as its Next.js page would: `?sample=v4&runId=…` or `?sample=v3`.
const params = new URLSearchParams(location.search)
const page = params.get("sample") === "v3" ? <V3Home /> : <V4Home runId={params.get("runId") ?? "missing"} />
createRoot(document.getElementById("root")!).render(<StrictMode><main data-testid="sample">{page}</main></StrictMode>)
