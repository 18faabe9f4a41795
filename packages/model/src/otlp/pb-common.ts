/**
 * Conversions shared by the three signals between protobufjs message objects (as `Type.decode`
 * returns them and `Type.encode` accepts them) and the in-memory request types.
 *
 * protobufjs represents 64-bit integers as `Long` ({low, high}) and puts proto3 defaults on the
 * message prototype, so a field is present on the wire exactly when it is an own property. On the
 * way out, default values are left out so the encoding is as small as protoc's.
 */
import type { AnyValue, EntityRef, InstrumentationScope, KeyValue, NumberValue, Resource } from './types.ts'

/** A protobufjs message object: plain property bag. */
export type PbObject = Record<string, any>

export interface LongLike {
  low: number
  high: number
}

const hasOwn = Object.prototype.hasOwnProperty
export const EMPTY_BYTES = new Uint8Array(0)
const TWO_POW_32 = 4294967296
const U32_MASK = 0xffffffffn

/** An unsigned 64-bit protobufjs value as a bigint. */
export function u64(v: LongLike | number): bigint {
  if (typeof v === 'number') return BigInt(v)
  const hi = v.high >>> 0
  const lo = v.low >>> 0
  if (hi === 0) return BigInt(lo)
  // below 2^53 the double is exact and one BigInt() is cheaper than shift + or
  if (hi < 0x200000) return BigInt(hi * TWO_POW_32 + lo)
  return (BigInt(hi) << 32n) | BigInt(lo)
}

/** A signed 64-bit protobufjs value as a bigint. */
export function i64(v: LongLike | number): bigint {
  if (typeof v === 'number') return BigInt(v)
  if (v.high >= 0) return u64(v)
  return (BigInt(v.high | 0) << 32n) + BigInt(v.low >>> 0)
}

/** A bigint as something protobufjs' writer accepts for any 64-bit field (number when exact). */
export function toLong(b: bigint): LongLike | number {
  if (b >= 0n && b <= 9007199254740991n) return Number(b)
  const u = BigInt.asUintN(64, b)
  return { low: Number(u & U32_MASK) | 0, high: Number(u >> 32n) | 0 }
}

/** A decoded `bytes` field as a plain Uint8Array view (protobufjs gives Buffers on Node). */
export function bytesFromPb(m: PbObject, field: string): Uint8Array {
  if (!hasOwn.call(m, field)) return EMPTY_BYTES
  const b = m[field] as Uint8Array
  return b.length === 0 ? EMPTY_BYTES : new Uint8Array(b.buffer, b.byteOffset, b.length)
}

export function anyValueFromPb(m: PbObject | null | undefined): AnyValue {
  if (m == null) return { type: 'empty' }
  // proto3 oneof: the set member is the own property (later members win, as on the wire)
  if (hasOwn.call(m, 'stringValue')) return { type: 'string', value: m.stringValue as string }
  if (hasOwn.call(m, 'intValue')) return { type: 'int', value: i64(m.intValue as LongLike) }
  if (hasOwn.call(m, 'boolValue')) return { type: 'bool', value: m.boolValue as boolean }
  if (hasOwn.call(m, 'doubleValue')) return { type: 'double', value: m.doubleValue as number }
  if (hasOwn.call(m, 'arrayValue')) {
    const values = (m.arrayValue as PbObject).values as PbObject[]
    const out: AnyValue[] = new Array(values.length)
    for (let i = 0; i < values.length; i++) out[i] = anyValueFromPb(values[i])
    return { type: 'array', value: out }
  }
  if (hasOwn.call(m, 'kvlistValue')) return { type: 'kvlist', value: keyValuesFromPb((m.kvlistValue as PbObject).values as PbObject[]) }
  if (hasOwn.call(m, 'bytesValue')) return { type: 'bytes', value: bytesFromPb(m, 'bytesValue') }
  return { type: 'empty' }
}

export function keyValuesFromPb(list: PbObject[]): KeyValue[] {
  const out: KeyValue[] = new Array(list.length)
  for (let i = 0; i < list.length; i++) {
    const kv = list[i]!
    out[i] = { key: kv.key as string, value: anyValueFromPb(hasOwn.call(kv, 'value') ? (kv.value as PbObject) : null) }
  }
  return out
}

function entityRefFromPb(m: PbObject): EntityRef {
  return {
    schemaUrl: m.schemaUrl as string,
    type: m.type as string,
    idKeys: m.idKeys as string[],
    descriptionKeys: m.descriptionKeys as string[],
  }
}

export function resourceFromPb(m: PbObject | null): Resource | null {
  if (m == null) return null
  const refs = m.entityRefs as PbObject[]
  return {
    attributes: keyValuesFromPb(m.attributes as PbObject[]),
    droppedAttributesCount: m.droppedAttributesCount as number,
    entityRefs: refs.length === 0 ? [] : refs.map(entityRefFromPb),
  }
}

export function scopeFromPb(m: PbObject | null): InstrumentationScope | null {
  if (m == null) return null
  return {
    name: m.name as string,
    version: m.version as string,
    attributes: keyValuesFromPb(m.attributes as PbObject[]),
    droppedAttributesCount: m.droppedAttributesCount as number,
  }
}

/** NumberDataPoint / Exemplar `value` oneof. */
export function numberValueFromPb(m: PbObject): NumberValue | null {
  if (hasOwn.call(m, 'asInt')) return { type: 'int', value: i64(m.asInt as LongLike) }
  if (hasOwn.call(m, 'asDouble')) return { type: 'double', value: m.asDouble as number }
  return null
}

/** present-or-null for `optional double` fields */
export function optionalDoubleFromPb(m: PbObject, field: string): number | null {
  return hasOwn.call(m, field) ? (m[field] as number) : null
}

// ---- to protobufjs objects -------------------------------------------------------------------

export function anyValueToPb(v: AnyValue): PbObject {
  switch (v.type) {
    case 'string':
      return { stringValue: v.value }
    case 'bool':
      return { boolValue: v.value }
    case 'int':
      return { intValue: toLong(v.value) }
    case 'double':
      return { doubleValue: v.value }
    case 'bytes':
      return { bytesValue: v.value }
    case 'array':
      return { arrayValue: { values: v.value.map(anyValueToPb) } }
    case 'kvlist':
      return { kvlistValue: { values: keyValuesToPb(v.value) } }
    case 'empty':
      return {}
  }
}

export function keyValuesToPb(list: KeyValue[]): PbObject[] {
  const out: PbObject[] = new Array(list.length)
  for (let i = 0; i < list.length; i++) {
    const kv = list[i]!
    out[i] = { key: kv.key, value: anyValueToPb(kv.value) }
  }
  return out
}

export function resourceToPb(r: Resource | null): PbObject | undefined {
  if (r === null) return undefined
  const o: PbObject = { attributes: keyValuesToPb(r.attributes) }
  if (r.droppedAttributesCount !== 0) o.droppedAttributesCount = r.droppedAttributesCount
  if (r.entityRefs.length !== 0) o.entityRefs = r.entityRefs
  return o
}

export function scopeToPb(s: InstrumentationScope | null): PbObject | undefined {
  if (s === null) return undefined
  const o: PbObject = { attributes: keyValuesToPb(s.attributes) }
  if (s.name !== '') o.name = s.name
  if (s.version !== '') o.version = s.version
  if (s.droppedAttributesCount !== 0) o.droppedAttributesCount = s.droppedAttributesCount
  return o
}

export function numberValueToPb(o: PbObject, v: NumberValue | null): void {
  if (v === null) return
  if (v.type === 'int') o.asInt = toLong(v.value)
  else o.asDouble = v.value
}

/** Sets `o[field]` only when it differs from the proto3 default, keeping encodings minimal. */
export function setIf(o: PbObject, field: string, value: string | number | boolean | bigint | Uint8Array): void {
  switch (typeof value) {
    case 'string':
      if (value !== '') o[field] = value
      return
    case 'number':
      // -0 is a non-default double; Object.is keeps it
      if (!Object.is(value, 0)) o[field] = value
      return
    case 'boolean':
      if (value) o[field] = value
      return
    case 'bigint':
      if (value !== 0n) o[field] = toLong(value)
      return
    default:
      if (value.length !== 0) o[field] = value
  }
}
