/**
 * Layering of config sources. Plain objects merge key by key; anything else (scalars, arrays)
 * from a later layer replaces the earlier value; `undefined` in a later layer means "not given"
 * (e.g. a CLI flag that was not passed) and never erases an earlier value.
 */
import { isPlainObject } from './schema-shape.ts'

export function deepMerge(base: unknown, layer: unknown): unknown {
  if (layer === undefined) return base
  if (!isPlainObject(layer)) return layer
  const out: Record<string, unknown> = isPlainObject(base) ? { ...base } : {}
  for (const [key, value] of Object.entries(layer)) {
    const merged = deepMerge(out[key], value)
    if (merged !== undefined) out[key] = merged
  }
  return out
}

/** Calls `visit` with the key path of every leaf (non-object or empty object) that a layer sets. */
export function forEachLeaf(value: unknown, visit: (path: string[]) => void, path: string[] = []): void {
  if (value === undefined) return
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) forEachLeaf(child, visit, [...path, key])
    return
  }
  visit(path)
}

export function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target
  for (const key of path.slice(0, -1)) {
    const next = node[key]
    if (isPlainObject(next)) {
      node = next
    } else {
      const created: Record<string, unknown> = {}
      node[key] = created
      node = created
    }
  }
  const last = path[path.length - 1]
  if (last !== undefined) node[last] = value
}

/** Freezes every nested object and array so no part of a loaded config can change after start. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value as object)) deepFreeze(child)
  }
  return value
}
