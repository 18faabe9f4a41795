/**
 * Reading rendered manifests for cross-checks: workloads and their pod templates, containers,
 * label selectors, and each container's environment resolved to plain values (secret
 * references read from the rendered Secret, downward-API fields given a stand-in).
 */
import { isObject, type YamlObject, type YamlValue } from '../../lib/yaml-documents.ts'
import type { RenderedObject } from '../render.ts'

export const WORKLOAD_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'Job'])

export interface Workload {
  kind: string
  name: string
  object: YamlObject
  podLabels: Record<string, string>
  podSpec: YamlObject
  containers: YamlObject[]
}

export function nameOf(object: YamlObject): string {
  return String((object['metadata'] as YamlObject | undefined)?.['name'])
}

export function get(value: YamlValue | undefined, ...path: (string | number)[]): YamlValue | undefined {
  let current: YamlValue | undefined = value
  for (const key of path) {
    if (typeof key === 'number') current = Array.isArray(current) ? current[key] : undefined
    else current = isObject(current) ? current[key] : undefined
  }
  return current
}

export function objectsOf(rendered: readonly RenderedObject[], kind: string): YamlObject[] {
  return rendered.map((r) => r.object).filter((o) => o['kind'] === kind)
}

export function find(rendered: readonly RenderedObject[], kind: string, name: string): YamlObject | undefined {
  return objectsOf(rendered, kind).find((o) => nameOf(o) === name)
}

export function workloads(rendered: readonly RenderedObject[]): Workload[] {
  return rendered
    .map((r) => r.object)
    .filter((o) => WORKLOAD_KINDS.has(String(o['kind'])))
    .map((object) => {
      const template = get(object, 'spec', 'template') as YamlObject
      const podSpec = get(template, 'spec') as YamlObject
      const containers = [...((podSpec['initContainers'] as YamlObject[] | undefined) ?? []), ...((podSpec['containers'] as YamlObject[] | undefined) ?? [])]
      return { kind: String(object['kind']), name: nameOf(object), object, podLabels: (get(template, 'metadata', 'labels') as Record<string, string>) ?? {}, podSpec, containers }
    })
}

/** matchLabels + matchExpressions (In, NotIn, Exists, DoesNotExist) against a label set. */
export function selects(selector: YamlValue | undefined, labels: Record<string, string>): boolean {
  if (!isObject(selector)) return false
  const matchLabels = (selector['matchLabels'] as Record<string, string> | undefined) ?? {}
  for (const [key, value] of Object.entries(matchLabels)) if (labels[key] !== value) return false
  for (const expression of (selector['matchExpressions'] as YamlObject[] | undefined) ?? []) {
    const key = String(expression['key'])
    const values = (expression['values'] as string[] | undefined) ?? []
    const has = key in labels
    switch (expression['operator']) {
      case 'In':
        if (!has || !values.includes(labels[key]!)) return false
        break
      case 'NotIn':
        if (has && values.includes(labels[key]!)) return false
        break
      case 'Exists':
        if (!has) return false
        break
      case 'DoesNotExist':
        if (has) return false
        break
      default:
        return false
    }
  }
  return true
}

export interface ResolvedEnv {
  values: Record<string, string>
  /** references to Secrets/ConfigMaps that do not resolve: "<name>/<key>" */
  missing: string[]
}

/** A container's env as plain strings; secretKeyRef values from the rendered Secrets. */
export function resolveEnv(container: YamlObject, rendered: readonly RenderedObject[]): ResolvedEnv {
  const values: Record<string, string> = {}
  const missing: string[] = []
  for (const entry of (container['env'] as YamlObject[] | undefined) ?? []) {
    const name = String(entry['name'])
    if (typeof entry['value'] === 'string') {
      values[name] = entry['value']
      continue
    }
    const secretRef = get(entry, 'valueFrom', 'secretKeyRef')
    const fieldRef = get(entry, 'valueFrom', 'fieldRef')
    if (isObject(secretRef)) {
      const secret = find(rendered, 'Secret', String(secretRef['name']))
      const data = get(secret, 'data', String(secretRef['key']))
      if (typeof data === 'string') values[name] = Buffer.from(data, 'base64').toString('utf8')
      else missing.push(`${String(secretRef['name'])}/${String(secretRef['key'])}`)
    } else if (isObject(fieldRef)) {
      values[name] = `<${String(fieldRef['fieldPath'])}>`
    } else {
      missing.push(`${name}: no value`)
    }
  }
  return { values, missing }
}

export function containerPorts(container: YamlObject): YamlObject[] {
  return (container['ports'] as YamlObject[] | undefined) ?? []
}

/** A probe's or Service's port (number or name) → the container port number, if declared. */
export function portNumber(container: YamlObject, port: YamlValue | undefined): number | undefined {
  if (typeof port === 'number') return containerPorts(container).some((p) => p['containerPort'] === port) ? port : undefined
  const named = containerPorts(container).find((p) => p['name'] === port)
  return typeof named?.['containerPort'] === 'number' ? named['containerPort'] : undefined
}
