/**
 * Building AnyValues from plain JavaScript values, for code that creates requests (the agent's
 * sources, tests): string -> string, boolean -> bool, bigint and safe integers -> int, other
 * numbers -> double, Uint8Array -> bytes, arrays -> array, plain objects -> kvlist,
 * null/undefined -> empty. Anything else (functions, symbols) becomes its String() text.
 */
import type { AnyValue, KeyValue } from './types.ts'

export function anyValueOf(x: unknown): AnyValue {
  switch (typeof x) {
    case 'string':
      return { type: 'string', value: x }
    case 'boolean':
      return { type: 'bool', value: x }
    case 'bigint':
      return { type: 'int', value: BigInt.asIntN(64, x) }
    case 'number':
      return Number.isSafeInteger(x) && !Object.is(x, -0) ? { type: 'int', value: BigInt(x) } : { type: 'double', value: x }
    case 'undefined':
      return { type: 'empty' }
    case 'object':
      if (x === null) return { type: 'empty' }
      if (x instanceof Uint8Array) return { type: 'bytes', value: x }
      if (Array.isArray(x)) return { type: 'array', value: x.map(anyValueOf) }
      return { type: 'kvlist', value: keyValuesOf(x as Record<string, unknown>) }
    default:
      return { type: 'string', value: String(x) }
  }
}

/** `{ 'http.method': 'GET', retries: 2 }` -> KeyValue list, in key order. */
export function keyValuesOf(record: Record<string, unknown>): KeyValue[] {
  return Object.keys(record).map((key) => ({ key, value: anyValueOf(record[key]) }))
}
