/**
 * Structural questions about TypeBox (JSON Schema) nodes that the config loader asks while it
 * walks a schema: is this an object with declared keys, a union, a scalar? TypeBox v1 schemas are
 * plain JSON Schema objects, so these read the standard keywords only.
 */

export type SchemaNode = Record<string, unknown>

export function asNode(value: unknown): SchemaNode {
  return typeof value === 'object' && value !== null ? (value as SchemaNode) : {}
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
