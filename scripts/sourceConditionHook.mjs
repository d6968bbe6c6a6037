// A module resolution hook (node:module register) adding one export
// condition, given by registerSourceCondition() in sourceCondition.ts.
let condition

export async function initialize(data) {
  condition = data.condition
}

export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier, { ...context, conditions: [...context.conditions, condition] })
}
