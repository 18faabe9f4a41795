/**
 * Writers for OTLP/JSON: ids as lowercase hex, 64-bit integers as decimal strings, enums as
 * numbers, bytes as base64, non-finite doubles as "NaN"/"Infinity"/"-Infinity"; fields holding
 * their proto3 default are left out, as OTLP/JSON allows.
 */
import { bytesToHex } from '../hex.ts'
import type { JsonObject } from './json-common.ts'
import type { AnyValue, InstrumentationScope, KeyValue, NumberValue, Resource } from './types.ts'

export function jsonDouble(n: number): number | string {
  if (Number.isFinite(n)) return n
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity'
}

function base64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64')
}

export function anyValueToJson(v: AnyValue): JsonObject {
  switch (v.type) {
    case 'string':
      return { stringValue: v.value }
    case 'bool':
      return { boolValue: v.value }
    case 'int':
      return { intValue: v.value.toString() }
    case 'double':
      return { doubleValue: jsonDouble(v.value) }
    case 'bytes':
      return { bytesValue: base64(v.value) }
    case 'array':
      return { arrayValue: { values: v.value.map(anyValueToJson) } }
    case 'kvlist':
      return { kvlistValue: { values: keyValuesToJson(v.value) } }
    case 'empty':
      return {}
  }
}

export function keyValuesToJson(list: KeyValue[]): JsonObject[] {
  const out: JsonObject[] = new Array(list.length)
  for (let i = 0; i < list.length; i++) {
    const kv = list[i]!
    out[i] = { key: kv.key, value: anyValueToJson(kv.value) }
  }
  return out
}

/** Sets a scalar field unless it holds its default; bigints become decimal strings. */
export function setJ(o: JsonObject, field: string, value: string | number | boolean | bigint): void {
  switch (typeof value) {
    case 'string':
      if (value !== '') o[field] = value
      return
    case 'number':
      if (!Object.is(value, 0)) o[field] = jsonDouble(value)
      return
    case 'boolean':
      if (value) o[field] = true
      return
    case 'bigint':
      if (value !== 0n) o[field] = value.toString()
  }
}

/** Sets an id field as hex unless empty. */
export function setHex(o: JsonObject, field: string, id: Uint8Array): void {
  if (id.length !== 0) o[field] = bytesToHex(id)
}

export function resourceToJson(r: Resource | null): JsonObject | undefined {
  if (r === null) return undefined
  const o: JsonObject = { attributes: keyValuesToJson(r.attributes) }
  setJ(o, 'droppedAttributesCount', r.droppedAttributesCount)
  if (r.entityRefs.length !== 0) o.entityRefs = r.entityRefs
  return o
}

export function scopeToJson(s: InstrumentationScope | null): JsonObject | undefined {
  if (s === null) return undefined
  const o: JsonObject = { attributes: keyValuesToJson(s.attributes) }
  setJ(o, 'name', s.name)
  setJ(o, 'version', s.version)
  setJ(o, 'droppedAttributesCount', s.droppedAttributesCount)
  return o
}

export function numberValueToJson(o: JsonObject, v: NumberValue | null): void {
  if (v === null) return
  if (v.type === 'int') o.asInt = v.value.toString()
  else o.asDouble = jsonDouble(v.value)
}
