/**
 * Fills schema `default`s into a merged config tree (mutating it; callers pass a fresh tree).
 *
 * - A missing key with a `default` gets a clone of it.
 * - A missing *required* object without a default is created as `{}` so that its children's
 *   defaults apply (`server: { port: default 4318 }` yields `server.port = 4318` from nothing);
 *   optional objects stay absent.
 * - An object or union default that is itself an object is merged *under* a given value, so
 *   setting one key of a section keeps the section's other defaults. For a union, this happens
 *   only when the value does not name another variant (setting `mode: server` must not inherit
 *   the embedded default's `path`).
 * - Union values get the defaults of the variant their discriminator selects.
 */
import { deepMerge } from './merge.ts'
import {
  asNode,
  discriminatorOf,
  isObjectNode,
  isPlainObject,
  requiredKeys,
  schemaForExtraKey,
  selectVariant,
  unionVariants,
  type SchemaNode,
} from './schema-shape.ts'

export function applyDefaults(node: SchemaNode, value: unknown, required: boolean): unknown {
  if (value === undefined) {
    if ('default' in node) return applyDefaults(node, structuredClone(node.default), required)
    if (!(required && isObjectNode(node))) return undefined
    value = {}
  } else if (isPlainObject(value) && isPlainObject(node.default) && mayInheritDefault(node, value)) {
    value = deepMerge(structuredClone(node.default), value)
  }

  const variants = unionVariants(node)
  if (variants !== undefined) {
    const variant = selectVariant(variants, value) ?? (variants.length === 1 ? variants[0] : undefined)
    return variant === undefined ? value : applyDefaults(variant, value, required)
  }
  if (isObjectNode(node) && isPlainObject(value)) {
    const required = requiredKeys(node)
    for (const [key, child] of Object.entries(node.properties)) {
      const filled = applyDefaults(asNode(child), value[key], required.has(key))
      if (filled !== undefined) value[key] = filled
    }
    fillExtraKeys(node, value)
    return value
  }
  if (isPlainObject(value) && (isPlainObject(node.patternProperties) || isPlainObject(node.additionalProperties))) {
    fillExtraKeys(node, value)
    return value
  }
  if (node.type === 'array' && Array.isArray(value) && node.items !== undefined) {
    return value.map((item: unknown) => applyDefaults(asNode(node.items), item, false))
  }
  return value
}

/** Record entries (`tenants: { acme: { … } }`) get the defaults of their value schema too. */
function fillExtraKeys(node: SchemaNode, value: Record<string, unknown>): void {
  const declared = isPlainObject(node.properties) ? node.properties : {}
  for (const [key, entry] of Object.entries(value)) {
    if (key in declared) continue
    const schema = schemaForExtraKey(node, key)
    if (schema !== undefined) value[key] = applyDefaults(schema, entry, false)
  }
}

function mayInheritDefault(node: SchemaNode, value: Record<string, unknown>): boolean {
  const variants = unionVariants(node)
  if (variants === undefined) return true
  const key = discriminatorOf(variants)
  const dflt = node.default as Record<string, unknown>
  return key === undefined || !(key in value) || value[key] === dflt[key]
}
