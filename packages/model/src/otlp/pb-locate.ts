/**
 * Finds where a protobuf body stops being well-formed, as a field path like
 * `resourceSpans[0].scopeSpans[1].spans[3].attributes[2].value`.
 *
 * protobufjs reports only "index out of range" and the like, so after a failed decode (the cold
 * path, never on success) this walks the wire format again, field by field, guided by the
 * reflected message types, and names the innermost field whose bytes are broken. Unknown fields
 * appear as `#<number>`.
 */
import protobuf from 'protobufjs'

const MAX_DEPTH = 100

export function locateProtobufError(body: Uint8Array, type: protobuf.Type): string {
  const reader = protobuf.Reader.create(body)
  return walk(reader, type, body.length, '', 0) ?? ''
}

/** Returns the path of the first broken field inside [reader.pos, end), or null when all is well. */
function walk(reader: protobuf.Reader, type: protobuf.Type, end: number, path: string, depth: number): string | null {
  if (depth > MAX_DEPTH) return path
  const seen = new Map<number, number>()
  while (reader.pos < end) {
    let tag: number
    try {
      tag = reader.uint32()
    } catch {
      return path
    }
    const id = tag >>> 3
    const wireType = tag & 7
    if (id === 0) return path
    const field = type.fieldsById[id]
    let childPath: string
    if (field === undefined) {
      childPath = join(path, `#${id}`)
    } else if (field.repeated) {
      const index = seen.get(id) ?? 0
      seen.set(id, index + 1)
      childPath = join(path, `${field.name}[${index}]`)
    } else {
      childPath = join(path, field.name)
    }
    const nested = field?.resolvedType
    if (nested instanceof protobuf.Type && wireType === 2) {
      let len: number
      try {
        len = reader.uint32()
      } catch {
        return childPath
      }
      const childEnd = reader.pos + len
      if (childEnd > end) {
        // the length runs past its parent: name the innermost field the cut goes through
        return walk(reader, nested, end, childPath, depth + 1) ?? childPath
      }
      const broken = walk(reader, nested, childEnd, childPath, depth + 1)
      if (broken !== null) return broken
      reader.pos = childEnd
    } else {
      try {
        reader.skipType(wireType)
      } catch {
        return childPath
      }
      if (reader.pos > end) return childPath
    }
  }
  return reader.pos > end ? path : null
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`
}
