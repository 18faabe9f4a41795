/**
 * AnyValue -> the flat text of row columns.
 *
 * Attribute maps are string -> string:
 * - string as is; bool 'true'/'false'; int in decimal; double as JavaScript prints it ('1.5',
 *   'NaN', 'Infinity'); bytes as base64; an empty value as '';
 * - a kvlist spreads into dotted keys (`http.request` {`method`: GET} -> `http.request.method`);
 *   an empty kvlist is '{}';
 * - an array is JSON text: scalars as JSON values (ints as exact JSON numbers, bytes as base64
 *   strings, non-finite doubles as strings), kvlists as objects, empty values as null.
 * Bodies: a string as is, other scalars as their attribute text, arrays and kvlists as JSON.
 *
 * Work is bounded: values nested deeper than MAX_VALUE_DEPTH levels (kvlists and arrays) are not
 * flattened; the functions report it (false / null) and the caller rejects the item, so a hostile
 * payload cannot make key strings or the recursion grow without limit.
 */
import type { Attributes } from './../rows.ts'
import type { AnyValue, KeyValue } from '../otlp/types.ts'

export const MAX_VALUE_DEPTH = 16

function base64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64')
}

function set(out: Attributes, key: string, value: string): void {
  // a literal `__proto__` key must become a property, not replace the object's prototype
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  else out[key] = value
}

/** The attribute text of a scalar (and '' for an empty value); arrays and kvlists give JSON. */
export function scalarText(v: AnyValue): string {
  switch (v.type) {
    case 'string':
      return v.value
    case 'bool':
      return v.value ? 'true' : 'false'
    case 'int':
      return v.value.toString()
    case 'double':
      return String(v.value)
    case 'bytes':
      return base64(v.value)
    case 'empty':
      return ''
    default:
      return jsonText(v, 0) ?? ''
  }
}

/** JSON text of a value, or null when it nests deeper than MAX_VALUE_DEPTH. */
export function jsonText(v: AnyValue, depth: number): string | null {
  switch (v.type) {
    case 'string':
      return JSON.stringify(v.value)
    case 'bool':
      return v.value ? 'true' : 'false'
    case 'int':
      return v.value.toString()
    case 'double':
      return Number.isFinite(v.value) ? String(v.value) : `"${String(v.value)}"`
    case 'bytes':
      return `"${base64(v.value)}"`
    case 'empty':
      return 'null'
    case 'array': {
      if (depth >= MAX_VALUE_DEPTH) return null
      let s = '['
      for (let i = 0; i < v.value.length; i++) {
        const item = jsonText(v.value[i]!, depth + 1)
        if (item === null) return null
        s += i === 0 ? item : `,${item}`
      }
      return `${s}]`
    }
    case 'kvlist': {
      if (depth >= MAX_VALUE_DEPTH) return null
      let s = '{'
      for (let i = 0; i < v.value.length; i++) {
        const kv = v.value[i]!
        const item = jsonText(kv.value, depth + 1)
        if (item === null) return null
        s += `${i === 0 ? '' : ','}${JSON.stringify(kv.key)}:${item}`
      }
      return `${s}}`
    }
  }
}

/**
 * Adds `list` to `out` under `prefix` (dotted). Returns false when a value nests deeper than
 * MAX_VALUE_DEPTH; `out` is then partly filled and must be discarded. Later keys win.
 */
export function flattenInto(out: Attributes, list: KeyValue[], prefix: string, depth: number): boolean {
  for (let i = 0; i < list.length; i++) {
    const kv = list[i]!
    const key = prefix === '' ? kv.key : `${prefix}.${kv.key}`
    const v = kv.value
    if (v.type === 'string') {
      set(out, key, v.value)
    } else if (v.type === 'kvlist') {
      if (depth >= MAX_VALUE_DEPTH) return false
      if (v.value.length === 0) set(out, key, '{}')
      else if (!flattenInto(out, v.value, key, depth + 1)) return false
    } else if (v.type === 'array') {
      const text = jsonText(v, depth)
      if (text === null) return false
      set(out, key, text)
    } else {
      set(out, key, scalarText(v))
    }
  }
  return true
}

/** Flat attributes of a list, or null when too deep. */
export function flattenAttributes(list: KeyValue[]): Attributes | null {
  const out: Attributes = {}
  return flattenInto(out, list, '', 0) ? out : null
}

/** The Body column of a log record, or null when the body nests too deep. */
export function bodyText(body: AnyValue | null): string | null {
  if (body === null) return ''
  if (body.type === 'string') return body.value
  if (body.type === 'array' || body.type === 'kvlist') return jsonText(body, 0)
  return scalarText(body)
}
