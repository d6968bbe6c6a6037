import type { ChannelDefinition } from "@conduit/shared"

/** Finds the registered channel definition a concrete channel name belongs to. */
export interface ChannelRegistry {
  find(channel: string): ChannelDefinition | undefined
}

export function createChannelRegistry(definitions: readonly ChannelDefinition[]): ChannelRegistry {
  const exact = new Map<string, ChannelDefinition>()
  const templated: ChannelDefinition[] = []
  for (const d of definitions) {
    if (d.template === undefined) continue // function names cannot be matched
    if (d.template.includes("{")) templated.push(d)
    else exact.set(d.template, d)
  }
  return {
    find: (channel) => exact.get(channel) ?? templated.find((d) => d.matches(channel)),
  }
}
