/**
 * The time range of a page, kept in the URL (`?from=now-1h&to=now&refresh=30s`) so a link shows
 * the same thing to whoever opens it. `from`/`to` are either relative (`now`, `now-15m`,
 * `now-2d`) or absolute unix ms; `refresh` is an interval (`10s`, `1m`) or `off`.
 */

export interface RangeSpec {
  from: string
  to: string
}

export interface ResolvedRange {
  fromMs: number
  toMs: number
}

export const DEFAULT_RANGE: RangeSpec = { from: 'now-1h', to: 'now' }

export const PRESETS: readonly { label: string; from: string }[] = [
  { label: 'Last 5 minutes', from: 'now-5m' },
  { label: 'Last 15 minutes', from: 'now-15m' },
  { label: 'Last 1 hour', from: 'now-1h' },
  { label: 'Last 3 hours', from: 'now-3h' },
  { label: 'Last 6 hours', from: 'now-6h' },
  { label: 'Last 24 hours', from: 'now-24h' },
  { label: 'Last 7 days', from: 'now-7d' },
]

export const REFRESH_OPTIONS = ['off', '10s', '30s', '1m', '5m'] as const

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000, w: 7 * 86_400_000 }

/** '30s' → 30000, '5m' → 300000; null when not an interval */
export function parseIntervalMs(text: string): number | null {
  const m = /^(\d{1,6})([smhdw])$/.exec(text.trim())
  if (!m) return null
  return Number(m[1]) * UNIT_MS[m[2]!]!
}

/** One end of a range to unix ms; null when it cannot be read. */
export function resolveInstant(text: string, nowMs: number): number | null {
  const t = text.trim()
  if (t === 'now') return nowMs
  const rel = /^now-(\d{1,6}[smhdw])$/.exec(t)
  if (rel) return nowMs - parseIntervalMs(rel[1]!)!
  if (/^\d{10,16}$/.test(t)) return Number(t)
  if (/^\d{4}-\d{2}-\d{2}T/.test(t)) {
    const ms = Date.parse(t)
    return Number.isNaN(ms) ? null : ms
  }
  return null
}

/** The range of a URL's params, falling back to the default for anything unreadable. */
export function resolveRange(spec: Partial<RangeSpec>, nowMs: number): ResolvedRange {
  const fromMs = resolveInstant(spec.from ?? DEFAULT_RANGE.from, nowMs) ?? resolveInstant(DEFAULT_RANGE.from, nowMs)!
  const toMs = resolveInstant(spec.to ?? DEFAULT_RANGE.to, nowMs) ?? nowMs
  return fromMs < toMs ? { fromMs, toMs } : { fromMs: toMs - 3600_000, toMs }
}

export function isRelative(spec: Partial<RangeSpec>): boolean {
  return (spec.from ?? DEFAULT_RANGE.from).startsWith('now') || (spec.to ?? DEFAULT_RANGE.to).startsWith('now')
}

/** A label for the picker button: the preset's name or "from – to" */
export function rangeLabel(spec: Partial<RangeSpec>): string {
  const from = spec.from ?? DEFAULT_RANGE.from
  const to = spec.to ?? DEFAULT_RANGE.to
  if (to === 'now') {
    const preset = PRESETS.find((p) => p.from === from)
    if (preset) return preset.label
    if (from.startsWith('now-')) return `Last ${from.slice(4)}`
  }
  return `${from} → ${to}`
}

/** A bucket [tMs, tMs + stepMs) as an absolute range, for "open the traces of this point". */
export function bucketRange(tMs: number, stepMs: number): RangeSpec {
  return { from: String(Math.floor(tMs)), to: String(Math.floor(tMs + stepMs)) }
}
