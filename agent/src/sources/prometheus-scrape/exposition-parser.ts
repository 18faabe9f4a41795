/**
 * Parser for the Prometheus text exposition format 0.0.4:
 *
 *   # HELP <name> <help, with \\ and \n escapes>
 *   # TYPE <name> counter|gauge|histogram|summary|untyped
 *   <name>[{<label>="<value, with \\ \" \n escapes>",...}] <value> [<timestamp ms>]
 *
 * Samples are grouped into families: a histogram family owns <name>_bucket, <name>_sum and
 * <name>_count, a summary <name>, <name>_sum and <name>_count; a sample of no declared family is
 * its own untyped family. Values may be floats, +Inf, -Inf or NaN. Like Prometheus itself, one
 * malformed line fails the whole scrape (a half-read target would give misleading data); the
 * error names the line.
 */
import type { Result } from '@periscope/model'

export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped'

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
  timestampMs?: number
}

export interface MetricFamily {
  name: string
  type: FamilyType
  help: string
  samples: Sample[]
}

export interface ParseError {
  line: number
  message: string
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*/
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*/
const TYPES = new Set<FamilyType>(['counter', 'gauge', 'histogram', 'summary', 'untyped'])

function parseValue(text: string): number | undefined {
  switch (text) {
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY
    case '-Inf':
      return Number.NEGATIVE_INFINITY
    case 'NaN':
      return Number.NaN
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined
  return Number(text)
}

function unescapeHelp(text: string): string {
  return text.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'))
}

function ownerOf(sampleName: string, families: Map<string, MetricFamily>): MetricFamily | undefined {
  const exact = families.get(sampleName)
  if (exact && exact.type !== 'histogram') return exact
  for (const suffix of ['_bucket', '_sum', '_count', '_total', '_created']) {
    if (!sampleName.endsWith(suffix)) continue
    const family = families.get(sampleName.slice(0, -suffix.length))
    if (!family) continue
    if (family.type === 'histogram' && suffix !== '_total') return family
    if (family.type === 'summary' && (suffix === '_sum' || suffix === '_count')) return family
    if (family.type === 'counter' && (suffix === '_total' || suffix === '_created')) return family
  }
  return exact
}

export function parseExposition(text: string): Result<MetricFamily[], ParseError> {
  const families = new Map<string, MetricFamily>()
  const lines = text.split('\n')
  const fail = (index: number, message: string): Result<MetricFamily[], ParseError> => ({ ok: false, error: { line: index + 1, message } })

  function family(name: string): MetricFamily {
    let f = families.get(name)
    if (!f) {
      f = { name, type: 'untyped', help: '', samples: [] }
      families.set(name, f)
    }
    return f
  }

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!
    if (line.trim() === '') continue
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line)
      if (!m) continue // an ordinary comment
      const [, kind, name, rest = ''] = m
      if (!NAME_RE.test(name!) || NAME_RE.exec(name!)![0] !== name) return fail(i, `invalid metric name ${JSON.stringify(name)}`)
      if (kind === 'HELP') {
        family(name!).help = unescapeHelp(rest)
      } else {
        const type = rest.trim() as FamilyType
        if (!TYPES.has(type)) return fail(i, `unknown metric type ${JSON.stringify(rest.trim())}`)
        const f = family(name!)
        if (f.samples.length > 0) return fail(i, `TYPE for ${name} after its samples`)
        f.type = type
      }
      continue
    }
    const nameMatch = NAME_RE.exec(line)
    if (!nameMatch) return fail(i, 'expected a metric name')
    const name = nameMatch[0]
    let position = name.length
    const labels: Record<string, string> = {}
    if (line[position] === '{') {
      position++
      for (;;) {
        while (line[position] === ' ') position++
        if (line[position] === '}') {
          position++
          break
        }
        const labelMatch = LABEL_NAME_RE.exec(line.slice(position))
        if (!labelMatch) return fail(i, 'expected a label name')
        const labelName = labelMatch[0]
        position += labelName.length
        while (line[position] === ' ') position++
        if (line[position] !== '=' || line[position + 1] !== '"') return fail(i, `expected ="…" after label ${labelName}`)
        position += 2
        let value = ''
        for (;;) {
          const c = line[position]
          if (c === undefined) return fail(i, `unterminated value of label ${labelName}`)
          if (c === '\\') {
            const next = line[position + 1]
            if (next === 'n') value += '\n'
            else if (next === '\\' || next === '"') value += next
            else return fail(i, `invalid escape \\${next ?? ''} in label ${labelName}`)
            position += 2
            continue
          }
          position++
          if (c === '"') break
          value += c
        }
        if (labelName in labels) return fail(i, `duplicate label ${labelName}`)
        labels[labelName] = value
        while (line[position] === ' ') position++
        if (line[position] === ',') position++
        else if (line[position] !== '}') return fail(i, 'expected , or } after a label')
      }
    }
    const rest = line.slice(position).trim().split(/\s+/)
    if (rest.length < 1 || rest.length > 2 || rest[0] === '') return fail(i, 'expected a value and an optional timestamp')
    const value = parseValue(rest[0]!)
    if (value === undefined) return fail(i, `invalid value ${JSON.stringify(rest[0])}`)
    const sample: Sample = { name, labels, value }
    if (rest[1] !== undefined) {
      if (!/^-?\d+$/.test(rest[1])) return fail(i, `invalid timestamp ${JSON.stringify(rest[1])}`)
      sample.timestampMs = Number(rest[1])
    }
    const owner = ownerOf(name, families) ?? family(name)
    owner.samples.push(sample)
  }
  return { ok: true, value: [...families.values()].filter((f) => f.samples.length > 0) }
}
