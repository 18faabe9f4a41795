/**
 * Structural questions about TypeBox (JSON Schema) nodes that the config loader asks while it
 * walks a schema: is this an object with declared keys, a union, a scalar? TypeBox v1 schemas are
 * plain JSON Schema objects, so these read the standard keywords only.
 */

export type SchemaNode = Record<string, unknown>

const resolved = new WeakMap<object, SchemaNode>()

/**
 * A schema node ready to walk. Intersections of objects (`allOf`, Type.Intersect) are flattened
 * into one object, and an intersection of a union of objects with objects is distributed into a
 * union of flattened objects, so `Union(embedded | server) & { ttl }` walks like a plain union.
 */
export function asNode(value: unknown): SchemaNode {
  if (typeof value !== 'object' || value === null) return {}
  const node = value as SchemaNode
  if (!Array.isArray(node.allOf)) return node
  let out = resolved.get(node)
  if (out === undefined) {
    out = flattenAllOf(node, node.allOf.map(asNode))
    resolved.set(node, out)
  }
  return out
}

function flattenAllOf(node: SchemaNode, members: SchemaNode[]): SchemaNode {
  const { allOf: _allOf, ...annotations } = node
  const unions = members.filter((m) => unionVariants(m)?.every(isObjectNode) === true)
  const objects = members.filter(isObjectNode)
  if (unions.length === 1 && objects.length === members.length - 1) {
    return { ...annotations, anyOf: unionVariants(unions[0]!)!.map((variant) => mergeObjects(annotations, [variant, ...objects])) }
  }
  if (objects.length === members.length) return mergeObjects(annotations, objects)
  return node
}

function mergeObjects(annotations: SchemaNode, objects: SchemaNode[]): SchemaNode {
  return {
    ...annotations,
    type: 'object',
    properties: Object.assign({}, ...objects.map((o) => o.properties)),
    required: [...new Set(objects.flatMap((o) => [...requiredKeys(o)]))],
    ...(objects.some(acceptsExtraKeys) ? { additionalProperties: true } : {}),
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** An object schema with declared `properties` (not a Record / free-form map). */
export function isObjectNode(node: SchemaNode): node is SchemaNode & { properties: Record<string, SchemaNode> } {
  return isPlainObject(node.properties)
}

export function unionVariants(node: SchemaNode): SchemaNode[] | undefined {
  const variants = node.anyOf ?? node.oneOf
  return Array.isArray(variants) ? variants.map(asNode) : undefined
}

export function requiredKeys(node: SchemaNode): Set<string> {
  return new Set(Array.isArray(node.required) ? (node.required as string[]) : [])
}

/**
 * Whether an object schema accepts keys it does not declare. Config objects are closed unless the
 * schema says otherwise (`additionalProperties: true` or a schema, or `patternProperties`), so a
 * typo in a file or an env var is an error rather than a silently ignored setting.
 */
export function acceptsExtraKeys(node: SchemaNode): boolean {
  const extra = node.additionalProperties
  return (extra !== undefined && extra !== false) || isPlainObject(node.patternProperties)
}

/** The schema for an undeclared key of a Record-like object, or undefined when the key is not allowed. */
export function schemaForExtraKey(node: SchemaNode, key: string): SchemaNode | undefined {
  if (isPlainObject(node.patternProperties)) {
    for (const [pattern, schema] of Object.entries(node.patternProperties)) {
      if (new RegExp(pattern, 'u').test(key)) return asNode(schema)
    }
  }
  const extra = node.additionalProperties
  if (extra === true) return {}
  if (isPlainObject(extra)) return asNode(extra)
  return undefined
}

/** The constant a property must hold (Type.Literal), used to pick a union variant by discriminator. */
export function constOf(node: SchemaNode): { value: unknown } | undefined {
  if ('const' in node) return { value: node.const }
  if (Array.isArray(node.enum) && node.enum.length === 1) return { value: node.enum[0] }
  return undefined
}

/**
 * For a union of object variants, the property whose constant differs per variant (e.g. `mode`
 * in `{ mode: 'embedded', … } | { mode: 'server', … }`), if there is one.
 */
export function discriminatorOf(variants: SchemaNode[]): string | undefined {
  const first = variants[0]
  if (first === undefined || !variants.every(isObjectNode)) return undefined
  for (const key of Object.keys((first as { properties: Record<string, SchemaNode> }).properties)) {
    const values = variants.map((v) => constOf(asNode((v.properties as Record<string, unknown>)[key])))
    if (values.every((c) => c !== undefined) && new Set(values.map((c) => JSON.stringify(c!.value))).size === variants.length) {
      return key
    }
  }
  return undefined
}

/** The variant whose discriminator constant equals the value's, if the value names one. */
export function selectVariant(variants: SchemaNode[], value: unknown): SchemaNode | undefined {
  const key = discriminatorOf(variants)
  if (key === undefined || !isPlainObject(value) || !(key in value)) return undefined
  return variants.find((v) => {
    const c = constOf(asNode((v.properties as Record<string, unknown>)[key]))
    return c !== undefined && c.value === value[key]
  })
}

/** Human summary of what a schema accepts, for error messages ("an integer", "one of a, b"). */
export function describeSchema(node: SchemaNode): string {
  const c = constOf(node)
  if (c !== undefined) return JSON.stringify(c.value)
  if (Array.isArray(node.enum)) return `one of ${node.enum.map((v) => JSON.stringify(v)).join(', ')}`
  const variants = unionVariants(node)
  if (variants !== undefined) {
    const key = discriminatorOf(variants)
    if (key !== undefined) {
      return `an object with ${key} one of ${variants.map((v) => describeSchema(asNode((v.properties as Record<string, unknown>)[key]))).join(', ')}`
    }
    return `one of ${variants.map(describeSchema).join(', ')}`
  }
  switch (node.type) {
    case 'integer':
      return 'an integer'
    case 'number':
      return 'a number'
    case 'boolean':
      return 'a boolean (true or false)'
    case 'string':
      return 'a string'
    case 'null':
      return 'null'
    case 'array':
      return `a list (JSON array or comma-separated) of items that are each ${describeSchema(asNode(node.items))}`
    case 'object':
      return 'an object'
    default:
      return 'a value matching the schema'
  }
}
