import type { StandardSchemaV1 } from "@standard-schema/spec"

export interface ValidationIssue {
  /** Dotted path into `data` (`""` for the root). */
  path: string
  message: string
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] }

function pathOf(issue: StandardSchemaV1.Issue): string {
  if (!issue.path) return ""
  return issue.path
    .map((seg) => (typeof seg === "object" && seg !== null ? seg.key : seg))
    .map(String)
    .join(".")
}

/** Runs any Standard Schema (zod, valibot, arktype…) and normalizes the issues. */
export async function validateData<S extends StandardSchemaV1>(
  schema: S,
  data: unknown,
): Promise<ValidationResult<StandardSchemaV1.InferOutput<S>>> {
  let result = schema["~standard"].validate(data)
  if (result instanceof Promise) result = await result
  if (result.issues) {
    return { ok: false, issues: result.issues.map((i) => ({ path: pathOf(i), message: i.message })) }
  }
  return { ok: true, value: result.value as StandardSchemaV1.InferOutput<S> }
}
