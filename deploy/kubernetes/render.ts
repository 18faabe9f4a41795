/**
 * A small kustomize renderer for the features deploy/kubernetes uses, so the manifests are
 * checked as `kubectl apply -k` would send them, without the kustomize binary:
 *
 *   resources        files (multi-document YAML) and directories holding a kustomization.yaml
 *   namespace        set on every namespaced object; ServiceAccount subjects of bindings too
 *   labels           `pairs` added to metadata.labels (includeSelectors: false only)
 *   images           newName / newTag for containers and initContainers whose image matches
 *   secretGenerator  `envs` files (KEY=VALUE lines) → a Secret (disableNameSuffixHash: true only)
 *   patches          strategic-merge-like deep merge of a patch file onto the object it names
 *                    (maps merge, lists of named items merge by name, other lists replace)
 *
 * Anything else in a kustomization is refused, so a feature this renderer does not implement
 * cannot be silently ignored by the tests.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { isObject, readYamlDocuments, type YamlObject, type YamlValue } from '../lib/yaml-documents.ts'

export interface RenderedObject {
  /** the object as it would be applied */
  readonly object: YamlObject
  /** file it came from, relative to the rendered directory */
  readonly source: string
}

export interface RenderOptions {
  /**
   * Reads a file the kustomization names; defaults to the file itself. Tests map a gitignored
   * secret file to its committed `.example`.
   */
  readonly resolveFile?: (path: string) => string
}

const SUPPORTED_KEYS = new Set(['apiVersion', 'kind', 'namespace', 'labels', 'resources', 'images', 'secretGenerator', 'patches'])

/** Kinds that live outside namespaces (the subset deploy/kubernetes can contain). */
export const CLUSTER_SCOPED_KINDS = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PriorityClass', 'StorageClass'])

export function renderKustomization(dir: string, options: RenderOptions = {}): RenderedObject[] {
  const resolveFile = options.resolveFile ?? ((path: string) => path)
  const file = join(dir, 'kustomization.yaml')
  const [kustomization] = readYamlDocuments(file)
  if (!isObject(kustomization)) throw new Error(`${file}: not a mapping`)
  for (const key of Object.keys(kustomization)) {
    if (!SUPPORTED_KEYS.has(key)) throw new Error(`${file}: "${key}" is not supported by the test renderer; extend deploy/kubernetes/render.ts`)
  }

  const objects: RenderedObject[] = []
  for (const resource of stringList(kustomization['resources'], `${file} resources`)) {
    const path = join(dir, resource)
    if (!existsSync(path)) throw new Error(`${file}: resource ${resource} does not exist`)
    if (statSync(path).isDirectory()) {
      for (const child of renderKustomization(path, options)) objects.push({ object: child.object, source: relative(dir, join(path, child.source)) })
      continue
    }
    for (const document of readYamlDocuments(path)) {
      if (!isObject(document)) throw new Error(`${path}: a document is not a mapping`)
      objects.push({ object: document, source: resource })
    }
  }

  for (const generator of list(kustomization['secretGenerator'])) objects.push(generateSecret(dir, generator, resolveFile))

  for (const patch of list(kustomization['patches'])) applyPatch(dir, patch, objects)

  const namespace = kustomization['namespace']
  if (typeof namespace === 'string') {
    for (const { object } of objects) setNamespace(object, namespace)
  }
  for (const entry of list(kustomization['labels'])) {
    if (!isObject(entry) || !isObject(entry['pairs'])) throw new Error(`${file}: labels entries need pairs`)
    if (entry['includeSelectors'] === true) throw new Error(`${file}: labels with includeSelectors are not supported by the test renderer`)
    for (const { object } of objects) {
      const metadata = ensureObject(object, 'metadata')
      Object.assign(ensureObject(metadata, 'labels'), entry['pairs'])
    }
  }
  for (const image of list(kustomization['images'])) {
    if (!isObject(image) || typeof image['name'] !== 'string') throw new Error(`${file}: images entries need a name`)
    for (const { object } of objects) replaceImage(object, image)
  }
  return objects
}

function generateSecret(dir: string, generator: YamlValue, resolveFile: (path: string) => string): RenderedObject {
  if (!isObject(generator) || typeof generator['name'] !== 'string') throw new Error('secretGenerator entries need a name')
  const options = isObject(generator['options']) ? generator['options'] : {}
  if (options['disableNameSuffixHash'] !== true) throw new Error(`secretGenerator ${generator['name']}: only disableNameSuffixHash: true is supported (references are not rewritten)`)
  const stringData: Record<string, string> = {}
  for (const envFile of stringList(generator['envs'], `secretGenerator ${generator['name']} envs`)) {
    const text = readFileSync(resolveFile(join(dir, envFile)), 'utf8')
    for (const line of text.split('\n')) {
      const trimmed = line.trim()
      if (trimmed === '' || trimmed.startsWith('#')) continue
      const eq = trimmed.indexOf('=')
      if (eq <= 0) throw new Error(`${envFile}: "${trimmed}" is not KEY=VALUE`)
      stringData[trimmed.slice(0, eq)] = trimmed.slice(eq + 1)
    }
  }
  const data = Object.fromEntries(Object.entries(stringData).map(([k, v]) => [k, Buffer.from(v).toString('base64')]))
  return { object: { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: generator['name'] }, data }, source: 'kustomization.yaml (secretGenerator)' }
}

function applyPatch(dir: string, patch: YamlValue, objects: RenderedObject[]): void {
  if (!isObject(patch) || typeof patch['path'] !== 'string') throw new Error('patches entries need a path (inline patches and targets are not supported)')
  for (const document of readYamlDocuments(join(dir, patch['path']))) {
    if (!isObject(document)) throw new Error(`${patch['path']}: not a mapping`)
    const name = isObject(document['metadata']) ? document['metadata']['name'] : undefined
    const target = objects.find((o) => o.object['kind'] === document['kind'] && isObject(o.object['metadata']) && o.object['metadata']['name'] === name)
    if (!target) throw new Error(`${patch['path']}: no ${String(document['kind'])} named ${String(name)} to patch`)
    merge(target.object, document)
  }
}

/** Strategic-merge-like: maps merge, lists of objects with `name` merge by name, other lists replace. */
function merge(into: YamlObject, patch: YamlObject): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = into[key]
    if (isObject(value) && isObject(current)) merge(current, value)
    else if (Array.isArray(value) && Array.isArray(current) && value.every((v) => isObject(v) && typeof v['name'] === 'string')) {
      for (const item of value as YamlObject[]) {
        const existing = current.find((c) => isObject(c) && c['name'] === item['name'])
        if (isObject(existing)) merge(existing, item)
        else current.push(item)
      }
    } else into[key] = value
  }
}

function setNamespace(object: YamlObject, namespace: string): void {
  const kind = String(object['kind'])
  if (!CLUSTER_SCOPED_KINDS.has(kind)) ensureObject(object, 'metadata')['namespace'] = namespace
  if (kind === 'ClusterRoleBinding' || kind === 'RoleBinding') {
    for (const subject of list(object['subjects'])) {
      if (isObject(subject) && subject['kind'] === 'ServiceAccount') subject['namespace'] = namespace
    }
  }
}

function replaceImage(object: YamlValue, image: YamlObject): void {
  if (Array.isArray(object)) {
    for (const item of object) replaceImage(item, image)
    return
  }
  if (!isObject(object)) return
  for (const [key, value] of Object.entries(object)) {
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
      for (const container of value) {
        if (!isObject(container) || typeof container['image'] !== 'string') continue
        const [name, tag] = splitImage(container['image'])
        if (name !== image['name']) continue
        const newName = typeof image['newName'] === 'string' ? image['newName'] : name
        const newTag = typeof image['newTag'] === 'string' ? image['newTag'] : tag
        container['image'] = newTag === undefined ? newName : `${newName}:${newTag}`
      }
    } else replaceImage(value, image)
  }
}

/** `registry:5000/a/b:tag` → ['registry:5000/a/b', 'tag']; digests are not used here. */
export function splitImage(image: string): [string, string | undefined] {
  const slash = image.lastIndexOf('/')
  const colon = image.lastIndexOf(':')
  return colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined]
}

function ensureObject(object: YamlObject, key: string): YamlObject {
  const current = object[key]
  if (isObject(current)) return current
  const created: YamlObject = {}
  object[key] = created
  return created
}

function list(value: YamlValue | undefined): YamlValue[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw new Error(`expected a list, got ${JSON.stringify(value)}`)
  return value
}

function stringList(value: YamlValue | undefined, what: string): string[] {
  const items = list(value)
  for (const item of items) if (typeof item !== 'string') throw new Error(`${what}: ${JSON.stringify(item)} is not a string`)
  return items as string[]
}

/** The directory of this file's kustomize base (for tests and scripts). */
export const KUBERNETES_DIR = dirname(new URL(import.meta.url).pathname)
