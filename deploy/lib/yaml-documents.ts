/**
 * Strict YAML reading for manifests and compose files: every document of a file is parsed with
 * the `yaml` package, and any error or warning (bad indentation, duplicate keys, tabs) fails the
 * read with the file name and position, so a manifest that kubectl would reject or read
 * differently never passes a test.
 */
import { readFileSync } from 'node:fs'
import { parseAllDocuments } from 'yaml'

export type YamlValue = null | boolean | number | string | YamlValue[] | { [key: string]: YamlValue }
export type YamlObject = { [key: string]: YamlValue }

export class YamlFileError extends Error {
  constructor(
    readonly file: string,
    problems: readonly string[],
  ) {
    super(`${file}: ${problems.join('; ')}`)
    this.name = 'YamlFileError'
  }
}

export interface YamlReadOptions {
  /** YAML 1.1 merge keys (`<<: *anchor`), which docker compose files use */
  readonly merge?: boolean
}

/** Every non-empty document of a YAML text; `file` names the source in errors. */
export function parseYamlDocuments(text: string, file: string, options: YamlReadOptions = {}): YamlValue[] {
  const documents = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true, merge: options.merge ?? false })
  const list = Array.isArray(documents) ? documents : [documents]
  const problems: string[] = []
  const values: YamlValue[] = []
  for (const document of list) {
    for (const error of document.errors) problems.push(error.message)
    for (const warning of document.warnings) problems.push(warning.message)
    if (document.errors.length > 0) continue
    const value = document.toJS() as YamlValue | undefined
    if (value !== null && value !== undefined) values.push(value)
  }
  if (problems.length > 0) throw new YamlFileError(file, problems)
  return values
}

export function readYamlDocuments(file: string, options: YamlReadOptions = {}): YamlValue[] {
  return parseYamlDocuments(readFileSync(file, 'utf8'), file, options)
}

export function isObject(value: unknown): value is YamlObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
