/**
 * Lists every way a config tree violates its schema, each with the key path, the offending value,
 * what is wrong and how to fix it. Objects and unions are walked here (so unknown keys and
 * missing keys are reported per key, and a discriminated union is checked against the variant
 * it names instead of yielding one opaque "must match anyOf"); scalar leaves are checked by
 * TypeBox and its errors reworded to name the limit.
 */
import { Value } from 'typebox/value'
import {
  asNode,
  constOf,
  describeSchema,
  discriminatorOf,
  isObjectNode,
  isPlainObject,
  requiredKeys,
  schemaForExtraKey,
  selectVariant,
  unionVariants,
  type SchemaNode,
} from './schema-shape.ts'

export interface Violation {
  /** Key path; array indices appear as numeric strings. */
  readonly path: readonly string[]
  /** The value found there (undefined when the key is missing). */
  readonly value: unknown
  readonly problem: string
  readonly fix: string
  /** Set when the key exists nowhere in the schema; the loader suggests near names. */
  readonly unknownKey?: { readonly known: readonly string[] }
  /** Schema `description` of the key, shown to explain what it is for. */
  readonly description?: string
}

export function validate(node: SchemaNode, value: unknown, path: string[] = []): Violation[] {
  const out: Violation[] = []
  walk(node, value, path, out)
  return out
}

function walk(node: SchemaNode, value: unknown, path: string[], out: Violation[]): void {
  const variants = unionVariants(node)
  if (variants !== undefined && variants.some(isObjectNode) && isPlainObject(value)) {
    walkObjectUnion(node, variants, value, path, out)
    return
  }
  if (isObjectNode(node)) {
    walkObject(node, value, path, out)
    return
  }
  if (node.type === 'array' && Array.isArray(value) && node.items !== undefined) {
    const { items: _items, ...arrayOnly } = node
    checkLeaf(arrayOnly, value, path, out)
    value.forEach((item: unknown, i: number) => walk(asNode(node.items), item, [...path, String(i)], out))
    return
  }
  checkLeaf(node, value, path, out)
}

function walkObject(node: SchemaNode & { properties: Record<string, SchemaNode> }, value: unknown, path: string[], out: Violation[]): void {
  if (!isPlainObject(value)) {
    out.push({ path, value, problem: `expected an object with keys ${Object.keys(node.properties).join(', ')}`, fix: 'set it to an object (a YAML mapping)' })
    return
  }
  const required = requiredKeys(node)
  for (const [key, child] of Object.entries(node.properties)) {
    const childNode = asNode(child)
    if (value[key] === undefined) {
      const variants = unionVariants(childNode)
      const discriminator = variants === undefined ? undefined : discriminatorOf(variants)
      if (required.has(key) && variants !== undefined && discriminator !== undefined) {
        // Point at the key that picks the variant: that is the one the operator must set first.
        walkObjectUnion(childNode, variants, {}, [...path, key], out)
      } else if (required.has(key)) {
        out.push({
          path: [...path, key],
          value: undefined,
          problem: 'is required but not set',
          fix: `set it to ${describeSchema(childNode)}`,
          ...descriptionOf(childNode),
        })
      }
      continue
    }
    walk(childNode, value[key], [...path, key], out)
  }
  for (const [key, extra] of Object.entries(value)) {
    if (key in node.properties) continue
    const schemaForExtra = schemaForExtraKey(node, key)
    if (schemaForExtra === undefined) {
      out.push({
        path: [...path, key],
        value: extra,
        problem: 'is not a known setting',
        fix: 'remove it',
        unknownKey: { known: Object.keys(node.properties) },
      })
    } else {
      walk(schemaForExtra, extra, [...path, key], out)
    }
  }
}

function walkObjectUnion(node: SchemaNode, variants: SchemaNode[], value: Record<string, unknown>, path: string[], out: Violation[]): void {
  const key = discriminatorOf(variants)
  if (key !== undefined) {
    const variant = selectVariant(variants, value)
    if (variant !== undefined) {
      walk(variant, value, path, out)
      return
    }
    const choices = variants.map((v) => JSON.stringify(constOf(asNode((v.properties as Record<string, unknown>)[key]))?.value)).join(', ')
    out.push({
      path: [...path, key],
      value: value[key],
      problem: value[key] === undefined ? `is required to choose the kind of ${path.join('.') || 'config'}` : 'names no known variant',
      fix: `set it to one of ${choices}`,
    })
    return
  }
  // No discriminator: accept if any variant fits, else report the variant that came closest.
  let best: Violation[] | undefined
  for (const variant of variants) {
    const found = validate(variant, value, path)
    if (found.length === 0) return
    if (best === undefined || found.length < best.length) best = found
  }
  if (best !== undefined) out.push(...best)
  else out.push({ path, value, problem: `expected ${describeSchema(node)}`, fix: `set it to ${describeSchema(node)}` })
}

function checkLeaf(node: SchemaNode, value: unknown, path: string[], out: Violation[]): void {
  const errors = Value.Errors(node, value)
  if (errors.length === 0) return
  const seen = new Set<string>()
  for (const error of errors) {
    const subPath = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    const at = [...path, ...subPath]
    const found = subPath.length === 0 ? value : Value.Pointer.Get(value as object, error.instancePath)
    // A union/enum failure is one problem however many alternatives TypeBox tried.
    const sub = subPath.length === 0 ? node : schemaAt(node, error.schemaPath)
    const worded = reword(error.keyword, error.params as Record<string, unknown>, sub, found, error.message)
    const id = `${at.join('.')}|${worded.problem}`
    if (seen.has(id)) continue
    seen.add(id)
    out.push({ path: at, value: found, ...worded, ...descriptionOf(sub) })
  }
}

/** The schema a TypeBox schemaPath (`#/properties/a/anyOf/0`) points at, trimmed to the nearest union. */
function schemaAt(root: SchemaNode, schemaPath: string): SchemaNode {
  let node = root
  for (const segment of schemaPath.replace(/^#\/?/, '').split('/').filter((s) => s !== '')) {
    if (segment === 'anyOf' || segment === 'oneOf') return node
    const next = (node as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')]
    if (next === undefined) return node
    node = asNode(next)
  }
  return node
}

function reword(keyword: string, params: Record<string, unknown>, node: SchemaNode, value: unknown, message: string): { problem: string; fix: string } {
  const limit = params.limit
  switch (keyword) {
    case 'type':
    case 'const':
    case 'enum':
    case 'anyOf':
    case 'oneOf':
      return { problem: `expected ${describeSchema(node)}`, fix: `set it to ${describeSchema(node)}` }
    case 'minimum':
      return { problem: `is below the minimum ${String(limit)}`, fix: `set it to ${String(limit)} or more` }
    case 'maximum':
      return { problem: `is above the maximum ${String(limit)}`, fix: `set it to ${String(limit)} or less` }
    case 'exclusiveMinimum':
      return { problem: `must be greater than ${String(limit)}`, fix: `set it above ${String(limit)}` }
    case 'exclusiveMaximum':
      return { problem: `must be less than ${String(limit)}`, fix: `set it below ${String(limit)}` }
    case 'multipleOf':
      return { problem: `is not a multiple of ${String(params.multipleOf)}`, fix: `use a multiple of ${String(params.multipleOf)}` }
    case 'minLength':
      return { problem: `is shorter than the minimum length ${String(limit)}`, fix: `use at least ${String(limit)} characters` }
    case 'maxLength':
      return { problem: `is longer than the maximum length ${String(limit)}`, fix: `use at most ${String(limit)} characters` }
    case 'minItems':
      return { problem: `has ${count(value)} items, fewer than the minimum ${String(limit)}`, fix: `list at least ${String(limit)} items` }
    case 'maxItems':
      return { problem: `has ${count(value)} items, more than the maximum ${String(limit)}`, fix: `list at most ${String(limit)} items` }
    case 'uniqueItems':
      return { problem: 'lists the same item more than once', fix: 'remove the duplicates' }
    case 'pattern':
      return { problem: `does not match the pattern ${String(node.pattern)}`, fix: `use a value matching ${String(node.pattern)}` }
    case 'format':
      return { problem: `is not a valid ${String(params.format)}`, fix: `use a valid ${String(params.format)}` }
    default:
      return { problem: message, fix: `set it to ${describeSchema(node)}` }
  }
}

function count(value: unknown): number {
  return Array.isArray(value) ? value.length : 0
}

function descriptionOf(node: SchemaNode): { description?: string } {
  return typeof node.description === 'string' ? { description: node.description } : {}
}

export function show(value: unknown): string {
  if (value === undefined) return 'nothing'
  const text = JSON.stringify(value)
  return text.length > 120 ? `${text.slice(0, 117)}...` : text
}
