/**
 * Loads a service's configuration: schema defaults < YAML/JSON file < environment < explicit
 * overrides (CLI flags), validated against a TypeBox schema, returned deep-frozen.
 *
 * Invariants:
 * - Unknown keys are errors, in the file and for env vars that start with the prefix but name no
 *   setting; a typo never silently leaves a default in place.
 * - Every problem is reported at once (one ConfigError), each naming the key, the value, where
 *   the value came from, and the fix.
 * - Values of keys that look secret (password, token, key, secret) are never printed.
 * - Cross-field risks are warnings from the schema owner's `warnings(config)`, not errors.
 */
import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import type { Static, TSchema } from 'typebox'
import { parse as parseYaml } from 'yaml'
import { PeriscopeError } from '../errors.ts'
import { applyDefaults } from './defaults.ts'
import { envBindings, normalizePrefix, type EnvBinding } from './env-names.ts'
import { parseEnvValue } from './env-parse.ts'
import { deepFreeze, deepMerge, forEachLeaf, setPath } from './merge.ts'
import { asNode, isPlainObject } from './schema-shape.ts'
import { show, validate, type Violation } from './validate.ts'

export interface LoadConfigOptions<T> {
  /** The environment to read (pass `process.env` from the service's config.ts). */
  readonly env: Readonly<Record<string, string | undefined>>
  /** e.g. `PERISCOPE_COLLECTOR`; a trailing underscore is optional. */
  readonly envPrefix: string
  /** Path of a YAML or JSON file (`.json` is read as JSON, anything else as YAML). */
  readonly file?: string | undefined
  /** Highest-precedence values, e.g. from CLI flags; `undefined` leaves mean "not given". */
  readonly overrides?: DeepPartial<T> | undefined
  /** Variables under the prefix that are read elsewhere and must not count as unknown. */
  readonly ignoreEnv?: readonly string[]
  /** Cross-field risks of a valid config, each a sentence that explains itself. */
  readonly warnings?: ((config: T) => readonly string[]) | undefined
  /** Receives each warning; defaults to process.emitWarning (printed to stderr). */
  readonly onWarning?: ((message: string) => void) | undefined
}

export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> | undefined } : T

export interface ConfigIssue {
  /** Dotted key path, `store.url`, `kafka.brokers[1]`; '' for the whole config. */
  readonly path: string
  /** The offending value (secrets shown as "<redacted>"), undefined when the key is missing. */
  readonly value: unknown
  /** Where the value came from: `file <path>`, `env <NAME>`, `override`, `default`; `not set` for a missing key. */
  readonly source: string
  readonly problem: string
  readonly fix: string
  /** The schema's description of the key, when it has one. */
  readonly description?: string | undefined
}

export class ConfigError extends PeriscopeError {
  readonly issues: readonly ConfigIssue[]

  constructor(issues: readonly ConfigIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`
    super('PERISCOPE_ERR_RUNTIME_CONFIG_INVALID', `invalid configuration (${count}):\n${issues.map(formatIssue).join('\n')}`, 500)
    this.name = 'ConfigError'
    this.issues = issues
  }
}

/** `  - limits.maxBodyBytes (largest accepted body) = 0 from env X: is below the minimum 1. Fix: set it to 1 or more (…).` */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.path === '' ? issue.source : issue.path
  const about = issue.description === undefined ? '' : ` (${issue.description})`
  const found = issue.value === undefined ? '' : ` = ${show(issue.value)} from ${issue.source}`
  return `  - ${where}${about}${found}: ${issue.problem}. Fix: ${issue.fix}.`
}

const SECRET_KEY = /(password|passwd|secret|token|credentials?|key)$/i

/** Loads, validates and freezes the config; throws ConfigError listing every problem. */
export function loadConfig<S extends TSchema>(schema: S, options: LoadConfigOptions<Static<S>>): Static<S> {
  const root = asNode(schema)
  const issues: ConfigIssue[] = []
  const sources = new Map<string, string>()
  const record = (layer: unknown, source: (path: string[]) => string): void =>
    forEachLeaf(layer, (path) => sources.set(path.join('\u0000'), source(path)))

  const bindings = envBindings(root, options.envPrefix)
  const bindingByPath = new Map<string, EnvBinding>()
  for (const binding of bindings.values()) bindingByPath.set(binding.path.join('\u0000'), binding)

  const fileLayer = options.file === undefined ? undefined : readConfigFile(options.file, issues)
  record(fileLayer, () => `file ${options.file}`)

  const envLayer = readEnv(options, bindings, issues)
  record(envLayer.tree, (path) => `env ${envLayer.names.get(path.join('\u0000')) ?? ''}`)
  record(options.overrides, () => 'override')

  const merged = [fileLayer, envLayer.tree, options.overrides].reduce<unknown>((acc, layer) => deepMerge(acc, layer), {})
  const filled = applyDefaults(root, merged, true)

  for (const violation of validate(root, filled)) {
    issues.push(toIssue(violation, sources, bindingByPath))
  }
  if (issues.length > 0) throw new ConfigError(issues)

  const config = deepFreeze(filled) as Static<S>
  const onWarning = options.onWarning ?? ((message: string) => process.emitWarning(message, { code: 'PERISCOPE_CONFIG_WARNING' }))
  for (const warning of options.warnings?.(config) ?? []) onWarning(warning)
  return config
}

function readConfigFile(file: string, issues: ConfigIssue[]): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    issues.push({
      path: '',
      value: undefined,
      source: `file ${file}`,
      problem: code === 'ENOENT' ? `config file ${file} does not exist` : `config file ${file} cannot be read (${(error as Error).message})`,
      fix: 'point the config file option at an existing readable file, or leave it unset to use defaults and env',
    })
    return undefined
  }
  let value: unknown
  try {
    value = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text)
  } catch (error) {
    issues.push({ path: '', value: undefined, source: `file ${file}`, problem: `config file ${file} is not valid ${extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`, fix: 'correct the syntax at the position given' })
    return undefined
  }
  if (value === null || value === undefined) return undefined // an empty file sets nothing
  if (!isPlainObject(value)) {
    issues.push({ path: '', value: undefined, source: `file ${file}`, problem: `config file ${file} must hold a mapping of settings, not ${Array.isArray(value) ? 'a list' : typeof value}`, fix: 'write the settings as top-level keys' })
    return undefined
  }
  return value
}

function readEnv(
  options: Pick<LoadConfigOptions<unknown>, 'env' | 'envPrefix' | 'ignoreEnv'>,
  bindings: Map<string, EnvBinding>,
  issues: ConfigIssue[],
): { tree: Record<string, unknown> | undefined; names: Map<string, string> } {
  const prefix = normalizePrefix(options.envPrefix)
  const ignored = new Set(options.ignoreEnv ?? [])
  const tree: Record<string, unknown> = {}
  const names = new Map<string, string>()
  for (const name of Object.keys(options.env).sort()) {
    const raw = options.env[name]
    // An empty variable counts as unset, so `X=${X}` in a compose file does not clobber the file.
    if (!name.startsWith(prefix) || raw === undefined || raw === '' || ignored.has(name)) continue
    const binding = bindings.get(name)
    if (binding === undefined) {
      const near = closest(name, [...bindings.keys()])
      issues.push({
        path: '',
        value: undefined,
        source: `env ${name}`,
        problem: `starts with ${prefix} but names no setting`,
        fix: near === undefined ? `unset it (settable variables are ${[...bindings.keys()].slice(0, 8).join(', ')}${bindings.size > 8 ? ', …' : ''})` : `did you mean ${near}? Otherwise unset it`,
      })
      continue
    }
    const parsed = parseEnvValue(binding.schemas, raw)
    if (!parsed.ok) {
      issues.push({ path: dotted(binding.path), value: redact(binding.path, raw), source: `env ${name}`, problem: parsed.reason, fix: 'write it as JSON, e.g. ["a","b"] or {"k":"v"}' })
      continue
    }
    setPath(tree, binding.path, parsed.value)
    names.set(binding.path.join('\u0000'), name)
  }
  return { tree: names.size === 0 ? undefined : tree, names }
}

function toIssue(violation: Violation, sources: Map<string, string>, bindingByPath: Map<string, EnvBinding>): ConfigIssue {
  const path = violation.path
  let source = violation.value === undefined ? 'not set' : 'default'
  for (let n = path.length; n >= 0 && violation.value !== undefined; n--) {
    const found = sources.get(path.slice(0, n).join('\u0000'))
    if (found !== undefined) {
      source = found
      break
    }
  }
  let fix = violation.fix
  if (violation.unknownKey !== undefined) {
    const near = closest(path[path.length - 1] ?? '', violation.unknownKey.known)
    fix = near === undefined ? `remove it (known keys here: ${violation.unknownKey.known.join(', ')})` : `did you mean ${dotted([...path.slice(0, -1), near])}? Otherwise remove it`
  } else {
    const env = envNameFor(path, bindingByPath)
    const how = env === undefined ? '' : ` (in the config file, or env ${env})`
    fix = `${fix}${how}`
  }
  return { path: dotted(path), value: redact(path, violation.value), source, problem: violation.problem, fix, description: violation.description }
}

function envNameFor(path: readonly string[], bindingByPath: Map<string, EnvBinding>): string | undefined {
  for (let n = path.length; n > 0; n--) {
    const binding = bindingByPath.get(path.slice(0, n).join('\u0000'))
    if (binding !== undefined) return binding.name
  }
  return undefined
}

function redact(path: readonly string[], value: unknown): unknown {
  if (value === undefined) return undefined
  return path.some((key) => SECRET_KEY.test(key)) ? '<redacted>' : value
}

export function dotted(path: readonly string[]): string {
  return path.reduce((out, key) => (/^\d+$/.test(key) ? `${out}[${key}]` : out === '' ? key : `${out}.${key}`), '')
}

/** The candidate nearest to `word` by edit distance, if it is close enough to be a likely typo. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

export interface ExitOptions {
  /** Where problems are printed; defaults to process.stderr. */
  readonly stderr?: { write(text: string): unknown }
  /** Defaults to process.exit; injected by tests. */
  readonly exit?: (code: number) => void
}

/**
 * For main.ts: loads the config, or prints every problem and exits 1. Warnings go to
 * `onWarning` (default: stderr) so they show before the logger exists.
 */
export function loadConfigOrExit<S extends TSchema>(schema: S, options: LoadConfigOptions<Static<S>> & ExitOptions): Static<S> {
  const stderr = options.stderr ?? process.stderr
  const exit = options.exit ?? ((code: number) => process.exit(code))
  try {
    return loadConfig(schema, { onWarning: (message) => stderr.write(`config warning: ${message}\n`), ...options })
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    stderr.write(`${error.message}\n`)
    exit(1)
    // Only reached when the injected exit returns (tests): surface the same error.
    throw error
  }
}
