/** Plain JS values (from JSON.parse or logfmt) → OTLP AnyValue / KeyValue lists. */
import type { AnyValue, KeyValue } from '@periscope/model'

export function toAnyValue(value: unknown, depth = 0): AnyValue {
  switch (typeof value) {
    case 'string':
      return { type: 'string', value }
    case 'boolean':
      return { type: 'bool', value }
    case 'number':
      return Number.isSafeInteger(value) ? { type: 'int', value: BigInt(value) } : { type: 'double', value }
    case 'bigint':
      return { type: 'int', value }
    case 'object': {
      if (value === null) return { type: 'empty' }
      // deep nesting is stringified rather than recursed into without bound
      if (depth >= 8) return { type: 'string', value: JSON.stringify(value) }
      if (Array.isArray(value)) return { type: 'array', value: value.map((v) => toAnyValue(v, depth + 1)) }
      return { type: 'kvlist', value: toKeyValues(value as Record<string, unknown>, depth + 1) }
    }
    default:
      return { type: 'string', value: String(value) }
  }
}

export function toKeyValues(record: Record<string, unknown>, depth = 0): KeyValue[] {
  const out: KeyValue[] = []
  for (const key in record) {
    const value = record[key]
    if (value === undefined) continue
    out.push({ key, value: toAnyValue(value, depth) })
  }
  return out
}

export function stringAttribute(key: string, value: string): KeyValue {
  return { key, value: { type: 'string', value } }
}
