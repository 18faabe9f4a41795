/**
 * The resource and scope columns every row repeats, computed once per resource / scope and shared
 * by reference between that resource's rows (rows are treated as immutable).
 */
import type { Attributes } from '../rows.ts'
import type { InstrumentationScope, Resource } from '../otlp/types.ts'
import { flattenAttributes } from './any-value.ts'

export const UNKNOWN_SERVICE = 'unknown_service'

export interface ResourceCols {
  TenantId: string
  ServiceName: string
  ResourceAttributes: Attributes
  ResourceSchemaUrl: string
}

export interface ScopeCols {
  ScopeName: string
  ScopeVersion: string
  ScopeAttributes: Attributes
}

const EMPTY_SCOPE: ScopeCols = Object.freeze({ ScopeName: '', ScopeVersion: '', ScopeAttributes: Object.freeze({}) as Attributes })

/** null when the resource's attributes nest too deep (every item under it is rejected). */
export function resourceCols(tenantId: string, resource: Resource | null, schemaUrl: string): ResourceCols | null {
  const attrs = resource === null ? {} : flattenAttributes(resource.attributes)
  if (attrs === null) return null
  const service = attrs['service.name']
  return {
    TenantId: tenantId,
    ServiceName: service === undefined || service === '' ? UNKNOWN_SERVICE : service,
    ResourceAttributes: attrs,
    ResourceSchemaUrl: schemaUrl,
  }
}

/** null when the scope's attributes nest too deep. */
export function scopeCols(scope: InstrumentationScope | null): ScopeCols | null {
  if (scope === null) return EMPTY_SCOPE
  const attrs = flattenAttributes(scope.attributes)
  if (attrs === null) return null
  return { ScopeName: scope.name, ScopeVersion: scope.version, ScopeAttributes: attrs }
}
