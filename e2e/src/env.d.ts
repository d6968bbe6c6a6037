// Single-file components are compiled by Vite's plugins, not tsc: these shims
// give their imports a type. Their props are checked by each framework's plugin.
declare module "*.vue" {
  import type { DefineComponent } from "vue"
  const component: DefineComponent<any, any, any>
  export default component
}

declare module "*.svelte" {
  import type { Component } from "svelte"
  const component: Component<any>
  export default component
}

declare module "*.css"
