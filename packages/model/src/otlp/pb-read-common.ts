/**
 * Hand-written protobuf readers (see pb-reader.ts) of the messages the three signals share:
 * AnyValue, KeyValue, Resource (with EntityRef) and InstrumentationScope, from
 * opentelemetry-proto v1.9.0 common/v1 and resource/v1. Field numbers and wire types are the
 * `case` labels: tag = field number << 3 | wire type (0 varint, 1 fixed64, 2 length-delimited,
 * 5 fixed32). A scalar field that arrives twice keeps its last value (a oneof: its last member),
 * a message field that arrives twice is merged into (Resource, InstrumentationScope, Status — as
 * protobufjs does), a repeated one collects every occurrence, an absent one has its proto3 default.
 */
import { MAX_DECODED_VALUE_DEPTH } from './json-common.ts'
import { PbDecodeFailure, type PbReader } from './pb-reader.ts'
import type { AnyValue, EntityRef, InstrumentationScope, KeyValue, Resource } from './types.ts'

const EMPTY_VALUE: AnyValue = Object.freeze({ type: 'empty' }) as AnyValue

function tooDeep(): PbDecodeFailure {
  return new PbDecodeFailure(`max depth exceeded: arrays and kvlists nested deeper than ${MAX_DECODED_VALUE_DEPTH} levels`)
}

/** AnyValue { oneof value { string_value = 1; bool_value = 2; int_value = 3; double_value = 4; array_value = 5; kvlist_value = 6; bytes_value = 7 } } */
export function readAnyValue(r: PbReader, end: number, depth: number): AnyValue {
  let value: AnyValue = { type: 'empty' }
  while (r.pos < end) {
    const tag = r.tag(end)
    switch (tag) {
      case 0x0a:
        value = { type: 'string', value: r.string(end) }
        break
      case 0x10:
        value = { type: 'bool', value: r.bool(end) }
        break
      case 0x18:
        value = { type: 'int', value: r.int64(end) }
        break
      case 0x21:
        value = { type: 'double', value: r.double(end) }
        break
      case 0x2a: {
        // ArrayValue { repeated AnyValue values = 1 }
        if (depth >= MAX_DECODED_VALUE_DEPTH) throw tooDeep()
        const listEnd = r.delimitedEnd(end)
        const values: AnyValue[] = []
        while (r.pos < listEnd) {
          const inner = r.tag(listEnd)
          if (inner === 0x0a) values.push(readAnyValue(r, r.delimitedEnd(listEnd), depth + 1))
          else r.skip(inner, listEnd)
        }
        value = { type: 'array', value: values }
        break
      }
      case 0x32: {
        // KeyValueList { repeated KeyValue values = 1 }
        if (depth >= MAX_DECODED_VALUE_DEPTH) throw tooDeep()
        const listEnd = r.delimitedEnd(end)
        const values: KeyValue[] = []
        while (r.pos < listEnd) {
          const inner = r.tag(listEnd)
          if (inner === 0x0a) values.push(readKeyValue(r, r.delimitedEnd(listEnd), depth + 1))
          else r.skip(inner, listEnd)
        }
        value = { type: 'kvlist', value: values }
        break
      }
      case 0x3a:
        value = { type: 'bytes', value: r.bytes(end) }
        break
      default:
        r.skip(tag, end)
    }
  }
  return value
}

/** KeyValue { string key = 1; AnyValue value = 2 } */
export function readKeyValue(r: PbReader, end: number, depth: number): KeyValue {
  let key = ''
  let value = EMPTY_VALUE
  while (r.pos < end) {
    const tag = r.tag(end)
    if (tag === 0x0a) key = r.string(end)
    else if (tag === 0x12) value = readAnyValue(r, r.delimitedEnd(end), depth)
    else r.skip(tag, end)
  }
  return { key, value: value === EMPTY_VALUE ? { type: 'empty' } : value }
}

/** Appends one length-delimited KeyValue to `list` (the reader is at its length). */
export function pushKeyValue(r: PbReader, end: number, list: KeyValue[]): void {
  list.push(readKeyValue(r, r.delimitedEnd(end), 0))
}

/** EntityRef { string schema_url = 1; string type = 2; repeated string id_keys = 3; repeated string description_keys = 4 } */
function readEntityRef(r: PbReader, end: number): EntityRef {
  const ref: EntityRef = { schemaUrl: '', type: '', idKeys: [], descriptionKeys: [] }
  while (r.pos < end) {
    const tag = r.tag(end)
    switch (tag) {
      case 0x0a:
        ref.schemaUrl = r.string(end)
        break
      case 0x12:
        ref.type = r.string(end)
        break
      case 0x1a:
        ref.idKeys.push(r.string(end))
        break
      case 0x22:
        ref.descriptionKeys.push(r.string(end))
        break
      default:
        r.skip(tag, end)
    }
  }
  return ref
}

/** Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; repeated EntityRef entity_refs = 3 } */
export function readResource(r: PbReader, end: number, into: Resource | null): Resource {
  const resource: Resource = into ?? { attributes: [], droppedAttributesCount: 0, entityRefs: [] }
  while (r.pos < end) {
    const tag = r.tag(end)
    switch (tag) {
      case 0x0a:
        pushKeyValue(r, end, resource.attributes)
        break
      case 0x10:
        resource.droppedAttributesCount = r.uint32(end)
        break
      case 0x1a:
        resource.entityRefs.push(readEntityRef(r, r.delimitedEnd(end)))
        break
      default:
        r.skip(tag, end)
    }
  }
  return resource
}

/** InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4 } */
export function readScope(r: PbReader, end: number, into: InstrumentationScope | null): InstrumentationScope {
  const scope: InstrumentationScope = into ?? { name: '', version: '', attributes: [], droppedAttributesCount: 0 }
  while (r.pos < end) {
    const tag = r.tag(end)
    switch (tag) {
      case 0x0a:
        scope.name = r.string(end)
        break
      case 0x12:
        scope.version = r.string(end)
        break
      case 0x1a:
        pushKeyValue(r, end, scope.attributes)
        break
      case 0x20:
        scope.droppedAttributesCount = r.uint32(end)
        break
      default:
        r.skip(tag, end)
    }
  }
  return scope
}

/**
 * An Export<Signal>ServiceRequest's two container levels, the same for every signal:
 *   request       { repeated Resource<X> resource_<x> = 1 }
 *   Resource<X>   { Resource resource = 1; repeated Scope<X> scope_<x> = 2; string schema_url = 3 }
 *   Scope<X>      { InstrumentationScope scope = 1; repeated <Item> <items> = 2; string schema_url = 3 }
 * read into `{ resource, [scopesKey]: […], schemaUrl }` / `{ scope, [itemsKey]: […], schemaUrl }`,
 * each item by `readItem` (given the end of its bytes).
 */
export function readContainers<I>(r: PbReader, scopesKey: string, itemsKey: string, readItem: (r: PbReader, end: number) => I): object[] {
  const end = r.length
  const resources: object[] = []
  while (r.pos < end) {
    const tag = r.tag(end)
    if (tag !== 0x0a) {
      r.skip(tag, end)
      continue
    }
    const resourceEnd = r.delimitedEnd(end)
    let resource: Resource | null = null
    let schemaUrl = ''
    const scopes: object[] = []
    while (r.pos < resourceEnd) {
      const tag = r.tag(resourceEnd)
      if (tag === 0x0a) resource = readResource(r, r.delimitedEnd(resourceEnd), resource)
      else if (tag === 0x12) scopes.push(readScopeLevel(r, r.delimitedEnd(resourceEnd), itemsKey, readItem))
      else if (tag === 0x1a) schemaUrl = r.string(resourceEnd)
      else r.skip(tag, resourceEnd)
    }
    resources.push({ resource, [scopesKey]: scopes, schemaUrl })
  }
  return resources
}

function readScopeLevel<I>(r: PbReader, end: number, itemsKey: string, readItem: (r: PbReader, end: number) => I): object {
  let scope: InstrumentationScope | null = null
  let schemaUrl = ''
  const items: I[] = []
  while (r.pos < end) {
    const tag = r.tag(end)
    if (tag === 0x0a) scope = readScope(r, r.delimitedEnd(end), scope)
    else if (tag === 0x12) items.push(readItem(r, r.delimitedEnd(end)))
    else if (tag === 0x1a) schemaUrl = r.string(end)
    else r.skip(tag, end)
  }
  return { scope, [itemsKey]: items, schemaUrl }
}
