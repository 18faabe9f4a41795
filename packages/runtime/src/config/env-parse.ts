/**
 * Turns the string in an environment variable into the type the schema expects at that key:
 * integers and numbers via Number(), booleans from true/false/1/0, arrays from JSON (`[…]`) or a
 * comma-separated list, objects and records from JSON, unions by trying each alternative in order.
 * A value that cannot be read as the expected type is passed through as the raw string so that
 * validation reports it with the schema's own wording; only malformed JSON is a parse failure.
 */
import { Value } from 'typebox/value'
import { asNode, constOf, isObjectNode, unionVariants, type SchemaNode } from './schema-shape.ts'

export type EnvParse = { ok: true; value: unknown } | { ok: false; reason: string }

export function parseEnvValue(schemas: readonly SchemaNode[], raw: string): EnvParse {
  let first: EnvParse | undefined
  for (const schema of schemas) {
    const parsed = parseNode(schema, raw)
    if (parsed.ok && Value.Check(schema, parsed.value)) return parsed
    first ??= parsed
  }
  return first ?? { ok: true, value: raw }
}

function parseNode(node: SchemaNode, raw: string): EnvParse {
  const variants = unionVariants(node)
  if (variants !== undefined) {
    for (const variant of variants) {
      const parsed = parseNode(variant, raw)
      if (parsed.ok && Value.Check(variant, parsed.value)) return parsed
    }
    return { ok: true, value: raw }
  }
  const constant = constOf(node)
  if (constant !== undefined) return { ok: true, value: scalarLike(constant.value, raw) }
  if (Array.isArray(node.enum)) {
    const member = node.enum.find((v) => String(v) === raw)
    return { ok: true, value: member ?? raw }
  }
  switch (node.type) {
    case 'integer':
    case 'number':
      return { ok: true, value: parseNumber(raw) }
    case 'boolean':
      return { ok: true, value: parseBoolean(raw) }
    case 'null':
      return { ok: true, value: raw === 'null' ? null : raw }
    case 'array':
      return parseArray(node, raw)
    case 'object':
      return parseJson(raw)
    default:
      if (isObjectNode(node)) return parseJson(raw)
      return { ok: true, value: raw }
  }
}

function scalarLike(example: unknown, raw: string): unknown {
  if (typeof example === 'number') return parseNumber(raw)
  if (typeof example === 'boolean') return parseBoolean(raw)
  return raw
}

function parseNumber(raw: string): unknown {
  const trimmed = raw.trim()
  if (trimmed === '') return raw
  const n = Number(trimmed)
  return Number.isFinite(n) ? n : raw
}

function parseBoolean(raw: string): unknown {
  switch (raw.trim().toLowerCase()) {
    case 'true':
    case '1':
      return true
    case 'false':
    case '0':
      return false
    default:
      return raw
  }
}

function parseArray(node: SchemaNode, raw: string): EnvParse {
  const trimmed = raw.trim()
  if (trimmed.startsWith('[')) return parseJson(trimmed)
  if (trimmed === '') return { ok: true, value: [] }
  const items = asNode(node.items)
  const values: unknown[] = []
  for (const part of trimmed.split(',')) {
    const parsed = parseNode(items, part.trim())
    if (!parsed.ok) return parsed
    values.push(parsed.value)
  }
  return { ok: true, value: values }
}

function parseJson(raw: string): EnvParse {
  try {
    return { ok: true, value: JSON.parse(raw) as unknown }
  } catch (error) {
    return { ok: false, reason: `is not valid JSON (${(error as Error).message})` }
  }
}
