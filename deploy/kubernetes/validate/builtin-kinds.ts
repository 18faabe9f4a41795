/**
 * Validation of built-in Kubernetes objects against the API schemas shipped by the npm package
 * `kubernetes-models` (generated from the Kubernetes OpenAPI spec), offline, in two passes:
 *
 * 1. schema: the package's compiled JSON-schema validator for the kind (required fields, types,
 *    enums, formats such as int-or-string and quantities);
 * 2. strict fields: those schemas allow unknown properties (as the API server's non-strict mode
 *    does, silently dropping them), so a misspelt key (`readinessProbes:`) would pass. Every
 *    object is therefore also type-checked as an object literal against the package's
 *    TypeScript interface for its kind; TypeScript's excess-property check rejects any key the
 *    API does not define, at any depth.
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import ts from 'typescript'
import type { YamlObject } from '../../lib/yaml-documents.ts'

const require = createRequire(import.meta.url)

export interface KindProblem {
  /** `Deployment/collector` */
  readonly object: string
  readonly problem: string
}

/** `apps/v1` + `Deployment` → `kubernetes-models/apps/v1/Deployment`; core `v1` → `kubernetes-models/v1/…`. */
export function modelModule(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`
}

export function hasBuiltinModel(apiVersion: string, kind: string): boolean {
  try {
    require.resolve(modelModule(apiVersion, kind))
    return true
  } catch {
    return false
  }
}

function label(object: YamlObject): string {
  const metadata = object['metadata'] as YamlObject | undefined
  return `${String(object['kind'])}/${String(metadata?.['name'])}`
}

/** Pass 1: the package's JSON-schema validator. */
export function validateSchema(object: YamlObject): KindProblem[] {
  const apiVersion = String(object['apiVersion'])
  const kind = String(object['kind'])
  const module = require(modelModule(apiVersion, kind)) as Record<string, new (data: unknown) => { validate(): void }>
  const Model = module[kind]
  if (!Model) return [{ object: label(object), problem: `kubernetes-models has no class ${kind} for ${apiVersion}` }]
  try {
    new Model(object).validate()
    return []
  } catch (error) {
    return [{ object: label(object), problem: (error as Error).message }]
  }
}

/** Pass 2: all objects at once as literals typed by the package's interfaces (one compiler run). */
export function checkStrictFields(objects: readonly YamlObject[]): KindProblem[] {
  const fileName = join(dirname(require.resolve('kubernetes-models/package.json')), '__periscope_manifests__.ts')
  const lines: string[] = []
  const owners: string[] = []
  objects.forEach((object, index) => {
    const apiVersion = String(object['apiVersion'])
    const kind = String(object['kind'])
    lines.push(`import type { I${kind} as T${index} } from ${JSON.stringify(modelModule(apiVersion, kind))}`)
    lines.push(`export const o${index}: T${index} = ${JSON.stringify(object)}`)
    owners.push(label(object))
  })
  const source = lines.join('\n')
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  }
  const host = ts.createCompilerHost(options)
  const readFile = host.readFile.bind(host)
  const getSourceFile = host.getSourceFile.bind(host)
  host.readFile = (name) => (name === fileName ? source : readFile(name))
  host.fileExists = ((exists) => (name: string) => name === fileName || exists(name))(host.fileExists.bind(host))
  host.getSourceFile = (name, languageVersion, onError) =>
    name === fileName ? ts.createSourceFile(name, source, languageVersion, true) : getSourceFile(name, languageVersion, onError)
  const program = ts.createProgram([fileName], options, host)
  const problems: KindProblem[] = []
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    if (diagnostic.file?.fileName !== fileName || diagnostic.start === undefined) {
      problems.push({ object: '(compiler)', problem: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n') })
      continue
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
    const owner = owners[Math.floor(line / 2)] ?? '(unknown)'
    problems.push({ object: owner, problem: ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ').slice(0, 600) })
  }
  return problems
}
