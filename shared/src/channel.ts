import type { StandardSchemaV1 } from "@standard-schema/spec"
import { ConduitError } from "./ConduitError.ts"
import type { Envelope } from "./envelope.ts"
import { ErrorCode } from "./errorCodes.ts"
import { assertChannelName, assertTopicName } from "./names.ts"

/** One topic of a channel: its Standard Schema (zod, valibot, arktype…). */
export interface TopicConfig<S extends StandardSchemaV1 = StandardSchemaV1> {
  schema: S
}
export type TopicsConfig = Record<string, TopicConfig>

type ParamNames<T extends string> = T extends `${string}{${infer P}}${infer Rest}` ? P | ParamNames<Rest> : never
/** `"pipeline:{runId}"` → `{ runId: string }`; a name without `{…}` takes no params. */
export type TemplateParams<T extends string> = [ParamNames<T>] extends [never]
  ? void
  : { [K in ParamNames<T>]: string }

/** A topic of one concrete channel: what `publish` and `subscribe` take. */
export interface TopicRef<TTopic extends string = string, S extends StandardSchemaV1 = StandardSchemaV1> {
  readonly channel: string
  readonly topic: TTopic
  readonly schema: S
}

export type TopicRefs<T extends TopicsConfig> = {
  readonly [K in keyof T & string]: TopicRef<K, T[K]["schema"]>
}

/** A concrete channel (`pipeline({ runId })`): its name plus a ref per topic. */
export type ChannelInstance<T extends TopicsConfig = {}> = TopicRefs<T> & {
  readonly name: string
  readonly topics: TopicRefs<T>
  readonly definition: ChannelDefinition<T, any>
}

export interface ChannelDefinition<T extends TopicsConfig = TopicsConfig, P = any> {
  (params: P): ChannelInstance<T>
  readonly topicConfigs: T
  /** The name as given, when it was a string (fixed or `{param}` template). */
  readonly template: string | undefined
  /** Whether a concrete channel name belongs to this definition (string names only). */
  matches(name: string): boolean
}

/** What the data of a topic must be when published (the schema's input). */
export type TopicInput<R> = R extends TopicRef<string, infer S> ? StandardSchemaV1.InferInput<S> : never
/** What subscribers receive for a topic (the schema's output). */
export type TopicOutput<R> = R extends TopicRef<string, infer S> ? StandardSchemaV1.InferOutput<S> : never
/** Topic names of a channel instance or definition. */
export type TopicName<C> = C extends ChannelInstance<infer T>
  ? keyof T & string
  : C extends ChannelDefinition<infer T, any>
    ? keyof T & string
    : never
/** The envelope of any topic of a channel, discriminated by `topic`. */
export type ChannelMessage<T extends TopicsConfig, K extends keyof T & string = keyof T & string> = {
  [Key in K]: Envelope<Key, StandardSchemaV1.InferOutput<T[Key]["schema"]>>
}[K]

// Properties of an instance; a topic with one of these names would shadow them.
const RESERVED_TOPICS = new Set(["name", "topics", "definition"])
const PARAM_RE = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g
const NAME_CHARS = "[A-Za-z0-9_:.@/=+-]+"

function templateRegExp(template: string): RegExp {
  let source = "^"
  let last = 0
  for (const m of template.matchAll(PARAM_RE)) {
    source += escapeRegExp(template.slice(last, m.index)) + NAME_CHARS
    last = m.index + m[0].length
  }
  return new RegExp(`${source}${escapeRegExp(template.slice(last))}$`)
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
}

function fillTemplate(template: string, params: unknown): string {
  return template.replace(PARAM_RE, (_, key: string) => {
    const value = (params as Record<string, unknown> | undefined)?.[key]
    if (typeof value !== "string" && typeof value !== "number") {
      throw new ConduitError(ErrorCode.INVALID_CHANNEL, `channel parameter "${key}" is missing`, {
        details: { template, param: key },
      })
    }
    return String(value)
  })
}

/**
 * Defines a typed channel. The same definition is imported by publishers, the
 * gateway (which validates HTTP publishes against it) and browsers.
 *
 * @example
 * const pipeline = channel({ name: "pipeline:{runId}", topics: { status: { schema: z.object({ message: z.string() }) } } })
 * const ch = pipeline({ runId: "r1" }) // ch.name === "pipeline:r1", ch.status is a topic ref
 */
export function channel<const N extends string, T extends TopicsConfig>(config: {
  name: N
  topics: T
}): ChannelDefinition<T, TemplateParams<N>>
export function channel<P, T extends TopicsConfig>(config: {
  name: (params: P) => string
  topics: T
}): ChannelDefinition<T, P>
export function channel(config: { name: string | ((params: unknown) => string); topics: TopicsConfig }) {
  for (const [topic, topicConfig] of Object.entries(config.topics)) {
    assertTopicName(topic)
    if (RESERVED_TOPICS.has(topic)) {
      throw new ConduitError(ErrorCode.INVALID_TOPIC, `topic name "${topic}" is reserved`, { details: { topic } })
    }
    if (!topicConfig?.schema?.["~standard"]) {
      throw new ConduitError(ErrorCode.INVALID_TOPIC, `topic "${topic}" needs a Standard Schema (e.g. zod)`, {
        details: { topic },
      })
    }
  }
  const template = typeof config.name === "string" ? config.name : undefined
  const pattern = template === undefined ? undefined : templateRegExp(template)
  const nameOf = (params: unknown): string =>
    assertChannelName(typeof config.name === "string" ? fillTemplate(config.name, params) : config.name(params))

  const definition = ((params: unknown) => {
    const name = nameOf(params)
    const topics: Record<string, TopicRef> = {}
    for (const [topic, { schema }] of Object.entries(config.topics)) {
      topics[topic] = Object.freeze({ channel: name, topic, schema })
    }
    return Object.freeze({ ...topics, name, topics: Object.freeze(topics), definition })
  }) as ChannelDefinition
  Object.defineProperties(definition, {
    topicConfigs: { value: config.topics },
    template: { value: template },
    matches: { value: (name: string) => pattern !== undefined && pattern.test(name) },
  })
  return definition
}
