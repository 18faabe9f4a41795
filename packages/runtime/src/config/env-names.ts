/**
 * Maps every settable leaf of a config schema to one environment variable name:
 * the key path, each key in UPPER_SNAKE, joined with `_` under the prefix.
 *
 *   { limits: { maxBodyBytes } } with prefix PERISCOPE_COLLECTOR → PERISCOPE_COLLECTOR_LIMITS_MAX_BODY_BYTES
 *
 * Objects with declared properties are walked; everything else (scalars, arrays, records, unions
 * of scalars) is a leaf. A union of object variants (e.g. store: embedded | server) contributes the
 * keys of every variant; a key present in several variants maps to one name with several
 * candidate schemas, and the value is parsed against whichever accepts it.
 */
import { asNode, isObjectNode, unionVariants, type SchemaNode } from './schema-shape.ts'

export interface EnvBinding {
  /** Full variable name, e.g. PERISCOPE_STORE_URL. */
  readonly name: string
  /** Key path in the config object, e.g. ['store', 'url']. */
  readonly path: readonly string[]
  /** Schemas the value may satisfy (more than one when the key appears in several union variants). */
  readonly schemas: SchemaNode[]
}

/** `maxBodyBytes` → `MAX_BODY_BYTES`, `p99Ms` → `P99_MS`, `httpURLPath` → `HTTP_URL_PATH`. */
export function toUpperSnake(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase()
}

/** `PERISCOPE_COLLECTOR_` and `PERISCOPE_COLLECTOR` both mean the same prefix. */
export function normalizePrefix(prefix: string): string {
  return prefix.replace(/_+$/, '') + '_'
}

export function envBindings(schema: SchemaNode, prefix: string): Map<string, EnvBinding> {
  const head = normalizePrefix(prefix)
  const bindings = new Map<string, EnvBinding>()

  const bindLeaf = (node: SchemaNode, path: string[]): void => {
    if (path.length === 0) return
    const name = head + path.map(toUpperSnake).join('_')
    const existing = bindings.get(name)
    if (existing === undefined) {
      bindings.set(name, { name, path, schemas: [node] })
    } else if (existing.path.join('.') === path.join('.')) {
      existing.schemas.push(node)
    } else {
      // Two different keys would be set by one variable: the schema needs renaming, not the user.
      throw new Error(`config keys ${existing.path.join('.')} and ${path.join('.')} both map to env ${name}`)
    }
  }

  const walk = (node: SchemaNode, path: string[]): void => {
    if (isObjectNode(node)) {
      for (const [key, child] of Object.entries(node.properties)) walk(asNode(child), [...path, key])
      return
    }
    const variants = unionVariants(node)
    if (variants !== undefined && variants.some(isObjectNode)) {
      for (const variant of variants) {
        if (isObjectNode(variant)) walk(variant, path)
      }
      // A scalar alternative (e.g. `| null`) stays settable as a whole value.
      if (!variants.every(isObjectNode)) bindLeaf(node, path)
      return
    }
    bindLeaf(node, path)
  }

  walk(schema, [])
  return bindings
}
