/**
 * Readers for OTLP/JSON values (the protobuf JSON mapping with OTLP's exceptions): ids are hex,
 * 64-bit integers are decimal strings or numbers, enums are numbers or their names, bytes are
 * base64, doubles may be "NaN"/"Infinity"/"-Infinity", `null` means absent, and unknown keys are
 * ignored. Every reader takes the parent's path and the key separately, so a path string is only
 * built when something is wrong; a wrong shape throws `JsonShapeError`, which the codec turns into
 * an `OtlpDecodeError` for the whole request.
 */
import { hexToBytes } from '../hex.ts'
import { EMPTY_BYTES } from './pb-common.ts'
import type { AnyValue, EntityRef, InstrumentationScope, KeyValue, NumberValue, Resource } from './types.ts'

export type JsonObject = Record<string, unknown>

export class JsonShapeError extends Error {
  readonly path: string
  constructor(path: string, message: string) {
    super(message)
    this.path = path
  }
}

/**
 * AnyValue arrays/kvlists nested deeper than this make a request undecodable, in either encoding
 * (pb-read-common.ts too). It bounds the work, and keeps every decoded request encodable: a kvlist
 * level is 3 protobuf messages, and protobufjs refuses more than 100 nested messages. It is above
 * what the model keeps (MAX_VALUE_DEPTH: validation truncates or rejects deeper values).
 */
export const MAX_DECODED_VALUE_DEPTH = 24

export function at(path: string, key: string): string {
  if (key === '') return path
  return path === '' ? key : `${path}.${key}`
}

export function fail(path: string, key: string, reason: string): never {
  throw new JsonShapeError(at(path, key), reason)
}

/** A nested message: null when absent. */
export function obj(v: unknown, path: string, key: string): JsonObject | null {
  if (v === undefined || v === null) return null
  if (typeof v !== 'object' || Array.isArray(v)) fail(path, key, 'expected an object')
  return v as JsonObject
}

/** A repeated field: [] when absent. */
export function arr(v: unknown, path: string, key: string): unknown[] {
  if (v === undefined || v === null) return []
  if (!Array.isArray(v)) fail(path, key, 'expected an array')
  return v
}

export function str(v: unknown, path: string, key: string): string {
  if (typeof v === 'string') return v
  if (v === undefined || v === null) return ''
  fail(path, key, 'expected a string')
}

export function bool(v: unknown, path: string, key: string): boolean {
  if (typeof v === 'boolean') return v
  if (v === undefined || v === null) return false
  fail(path, key, 'expected a boolean')
}

function isDecimal(s: string, allowSign: boolean): boolean {
  const n = s.length
  if (n === 0 || n > 21) return false
  let i = allowSign && s.charCodeAt(0) === 45 /* - */ ? 1 : 0
  if (i === n) return false
  for (; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

function int32Range(v: unknown, path: string, key: string, min: number, max: number): number {
  let n: number
  if (typeof v === 'number') n = v
  else if (v === undefined || v === null) return 0
  else if (typeof v === 'string' && isDecimal(v, min < 0)) n = Number(v)
  else fail(path, key, 'expected an integer')
  if (!Number.isInteger(n) || n < min || n > max) fail(path, key, `integer out of range [${min}, ${max}]`)
  return n
}

export function u32(v: unknown, path: string, key: string): number {
  return int32Range(v, path, key, 0, 4294967295)
}

export function i32(v: unknown, path: string, key: string): number {
  return int32Range(v, path, key, -2147483648, 2147483647)
}

const U64_MAX = 18446744073709551615n
const I64_MIN = -9223372036854775808n
const I64_MAX = 9223372036854775807n

function int64Range(v: unknown, path: string, key: string, signed: boolean): bigint {
  let b: bigint
  if (typeof v === 'string') {
    if (!isDecimal(v, signed)) fail(path, key, 'expected a decimal integer string')
    b = BigInt(v)
  } else if (typeof v === 'number') {
    if (!Number.isInteger(v)) fail(path, key, 'expected an integer')
    b = BigInt(v)
  } else if (v === undefined || v === null) {
    return 0n
  } else {
    fail(path, key, 'expected an integer or a decimal string')
  }
  if (signed ? b < I64_MIN || b > I64_MAX : b < 0n || b > U64_MAX) fail(path, key, 'integer out of 64-bit range')
  return b
}

export function u64(v: unknown, path: string, key: string): bigint {
  return int64Range(v, path, key, false)
}

export function i64(v: unknown, path: string, key: string): bigint {
  return int64Range(v, path, key, true)
}

export function dbl(v: unknown, path: string, key: string): number {
  if (typeof v === 'number') return v
  if (v === undefined || v === null) return 0
  if (typeof v === 'string') {
    if (v === 'NaN') return Number.NaN
    if (v === 'Infinity') return Number.POSITIVE_INFINITY
    if (v === '-Infinity') return Number.NEGATIVE_INFINITY
    const n = Number(v)
    if (v.trim() !== '' && Number.isFinite(n)) return n
  }
  fail(path, key, 'expected a number')
}

/** `optional double`: null when absent. */
export function optDbl(v: unknown, path: string, key: string): number | null {
  return v === undefined || v === null ? null : dbl(v, path, key)
}

/** Trace and span ids: hex of any even length (the length is checked per item later). */
export function hexId(v: unknown, path: string, key: string): Uint8Array {
  if (v === undefined || v === null || v === '') return EMPTY_BYTES
  if (typeof v !== 'string') fail(path, key, 'expected a hex string')
  const bytes = hexToBytes(v)
  if (bytes === null) fail(path, key, 'invalid hex')
  return bytes
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/

export function base64(v: unknown, path: string, key: string): Uint8Array {
  if (v === undefined || v === null || v === '') return EMPTY_BYTES
  if (typeof v !== 'string' || !BASE64.test(v)) fail(path, key, 'expected base64')
  const b = Buffer.from(v, 'base64')
  return new Uint8Array(b.buffer, b.byteOffset, b.length)
}

/** An enum as its number or its name in `names`. Unknown numbers are kept (newer peers). */
export function enumOf(v: unknown, path: string, key: string, names: Readonly<Record<string, number>>): number {
  if (typeof v === 'string' && !isDecimal(v, true)) {
    const n = names[v]
    if (n === undefined) fail(path, key, `unknown enum name '${v}'`)
    return n
  }
  return i32(v, path, key)
}

/** `${path}.${key}[${index}]${suffix}`, or without the index part when index < 0; built on demand only */
function locate(path: string, key: string, index: number, suffix: string): string {
  return index < 0 ? at(path, key) + suffix : `${at(path, key)}[${index}]${suffix}`
}

/**
 * An AnyValue located at `locate(path, key, index, suffix)`. Scalars, the hot case, are read
 * without building any path string.
 */
export function anyValueAt(v: unknown, path: string, key: string, index: number, suffix: string, depth: number): AnyValue {
  if (v === undefined || v === null) return { type: 'empty' }
  if (typeof v !== 'object' || Array.isArray(v)) throw new JsonShapeError(locate(path, key, index, suffix), 'expected an object')
  const o = v as JsonObject
  // OTLP senders set exactly one member; should several be set, the first in this order is taken
  let x: unknown
  if ((x = o.stringValue) !== undefined && x !== null) {
    if (typeof x === 'string') return { type: 'string', value: x }
    return { type: 'string', value: str(x, locate(path, key, index, suffix), 'stringValue') }
  }
  if ((x = o.intValue) !== undefined && x !== null) return { type: 'int', value: i64(x, locate(path, key, index, suffix), 'intValue') }
  if ((x = o.boolValue) !== undefined && x !== null) {
    if (typeof x === 'boolean') return { type: 'bool', value: x }
    return { type: 'bool', value: bool(x, locate(path, key, index, suffix), 'boolValue') }
  }
  if ((x = o.doubleValue) !== undefined && x !== null) {
    if (typeof x === 'number') return { type: 'double', value: x }
    return { type: 'double', value: dbl(x, locate(path, key, index, suffix), 'doubleValue') }
  }
  if ((x = o.arrayValue) !== undefined && x !== null) {
    const p = at(locate(path, key, index, suffix), 'arrayValue')
    if (depth >= MAX_DECODED_VALUE_DEPTH) throw new JsonShapeError(p, `value nesting deeper than ${MAX_DECODED_VALUE_DEPTH} levels`)
    const inner = obj(x, p, '')
    const values = arr(inner?.values, p, 'values')
    const out: AnyValue[] = new Array(values.length)
    for (let i = 0; i < values.length; i++) out[i] = anyValueAt(values[i], p, 'values', i, '', depth + 1)
    return { type: 'array', value: out }
  }
  if ((x = o.kvlistValue) !== undefined && x !== null) {
    const p = at(locate(path, key, index, suffix), 'kvlistValue')
    if (depth >= MAX_DECODED_VALUE_DEPTH) throw new JsonShapeError(p, `value nesting deeper than ${MAX_DECODED_VALUE_DEPTH} levels`)
    const inner = obj(x, p, '')
    return { type: 'kvlist', value: keyValues(inner?.values, p, 'values', depth + 1) }
  }
  if ((x = o.bytesValue) !== undefined && x !== null) {
    return { type: 'bytes', value: base64(x, locate(path, key, index, suffix), 'bytesValue') }
  }
  return { type: 'empty' }
}

export function keyValues(v: unknown, path: string, key: string, depth = 0): KeyValue[] {
  const list = arr(v, path, key)
  const out: KeyValue[] = new Array(list.length)
  for (let i = 0; i < list.length; i++) {
    const item = list[i]
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new JsonShapeError(locate(path, key, i, ''), 'expected an object')
    const kv = item as JsonObject
    const k = kv.key
    out[i] = {
      key: typeof k === 'string' ? k : str(k, locate(path, key, i, ''), 'key'),
      value: anyValueAt(kv.value, path, key, i, '.value', depth),
    }
  }
  return out
}

export function resource(v: unknown, path: string, key: string): Resource | null {
  const o = obj(v, path, key)
  if (o === null) return null
  const p = at(path, key)
  const refs = arr(o.entityRefs, p, 'entityRefs')
  return {
    attributes: keyValues(o.attributes, p, 'attributes'),
    droppedAttributesCount: u32(o.droppedAttributesCount, p, 'droppedAttributesCount'),
    entityRefs: refs.length === 0 ? [] : refs.map((r, i) => entityRef(r, p, `entityRefs[${i}]`)),
  }
}

function entityRef(v: unknown, path: string, key: string): EntityRef {
  const o = obj(v, path, key) ?? {}
  const p = at(path, key)
  return {
    schemaUrl: str(o.schemaUrl, p, 'schemaUrl'),
    type: str(o.type, p, 'type'),
    idKeys: arr(o.idKeys, p, 'idKeys').map((s, i) => str(s, p, `idKeys[${i}]`)),
    descriptionKeys: arr(o.descriptionKeys, p, 'descriptionKeys').map((s, i) => str(s, p, `descriptionKeys[${i}]`)),
  }
}

export function scope(v: unknown, path: string, key: string): InstrumentationScope | null {
  const o = obj(v, path, key)
  if (o === null) return null
  const p = at(path, key)
  return {
    name: str(o.name, p, 'name'),
    version: str(o.version, p, 'version'),
    attributes: keyValues(o.attributes, p, 'attributes'),
    droppedAttributesCount: u32(o.droppedAttributesCount, p, 'droppedAttributesCount'),
  }
}

/** NumberDataPoint / Exemplar `value` oneof: asDouble or asInt. */
export function numberValue(o: JsonObject, path: string): NumberValue | null {
  if (o.asInt !== undefined && o.asInt !== null) return { type: 'int', value: i64(o.asInt, path, 'asInt') }
  if (o.asDouble !== undefined && o.asDouble !== null) return { type: 'double', value: dbl(o.asDouble, path, 'asDouble') }
  return null
}
