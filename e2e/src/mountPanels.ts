import { createElement, StrictMode } from "react"
import { createRoot } from "react-dom/client"
import { mount, unmount } from "svelte"
import { createApp } from "vue"
import ReactPanel from "./panels/ReactPanel.tsx"
import SveltePanel from "./panels/SveltePanel.svelte"
import VuePanel from "./panels/VuePanel.vue"
import type { PanelOptions } from "./realtimeOptions.ts"

function rootOf(id: string): HTMLElement {
  const element = document.getElementById(id)
  if (!element) throw new Error(`#${id} is missing from index.html`)
  element.replaceChildren() // the "waiting for a run" placeholder
  return element
}

/**
 * Mounts the three panels, each in its own framework root, all on the same
 * options (one run's channel). React runs in Strict Mode, the way apps do in
 * development: its double mount must still open one connection. Returns the
 * function that unmounts all three.
 */
export function mountPanels(options: PanelOptions): () => void {
  const react = createRoot(rootOf("react-root"))
  react.render(createElement(StrictMode, null, createElement(ReactPanel, { options })))
  const vue = createApp(VuePanel, { options })
  vue.mount(rootOf("vue-root"))
  const svelte = mount(SveltePanel, { target: rootOf("svelte-root"), props: { options } })
  return () => {
    react.unmount()
    vue.unmount()
    void unmount(svelte)
  }
}
