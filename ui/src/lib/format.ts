/**
 * Formatting of durations, instants, rates and counts for dense tables and axes. Durations keep
 * three significant digits and pick the unit that keeps the number between 1 and 1000
 * (ns, µs, ms, s), then minutes and hours past 60 s.
 */

const NS_PER_US = 1_000
const NS_PER_MS = 1_000_000
const NS_PER_S = 1_000_000_000

function sig3(value: number): string {
  if (value < 1) return value.toPrecision(3).replace(/\.?0+$/, '')
  if (value >= 100) return value.toFixed(0)
  if (value >= 10) return value.toFixed(1).replace(/\.0$/, '')
  return value.toFixed(2).replace(/\.?0+$/, '')
}

/** "850ns", "12.3µs", "1.25ms", "2.5s", "3m 20s", "1h 05m" */
export function formatDurationNs(durationNs: number | bigint): string {
  const ns = typeof durationNs === 'bigint' ? Number(durationNs) : durationNs
  if (!Number.isFinite(ns)) return '–'
  if (ns < 0) return '-' + formatDurationNs(-ns)
  if (ns < NS_PER_US) return `${Math.round(ns)}ns`
  if (ns < NS_PER_MS) return `${sig3(ns / NS_PER_US)}µs`
  if (ns < NS_PER_S) return `${sig3(ns / NS_PER_MS)}ms`
  const s = ns / NS_PER_S
  if (s < 60) return `${sig3(s)}s`
  const totalS = Math.round(s)
  if (totalS < 3600) return `${Math.floor(totalS / 60)}m ${String(totalS % 60).padStart(2, '0')}s`
  const totalM = Math.round(totalS / 60)
  return `${Math.floor(totalM / 60)}h ${String(totalM % 60).padStart(2, '0')}m`
}

/** Milliseconds (possibly fractional, possibly null when there was no request) */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–'
  return formatDurationNs(ms * NS_PER_MS)
}

/** A fraction as a percentage: 0.0512 → "5.12%", 0 → "0%", tiny non-zero → "<0.01%" */
export function formatPercent(fraction: number | null | undefined, digits = 2): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–'
  if (fraction === 0) return '0%'
  const pct = fraction * 100
  const floor = 10 ** -digits
  if (Math.abs(pct) < floor) return `${pct < 0 ? '>-' : '<'}${floor}%`
  const text = pct.toFixed(digits)
  return `${text.includes('.') ? text.replace(/\.?0+$/, '') : text}%`
}

/** Requests per second: "1.23k", "45.6", "0.02" */
export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return '–'
  return formatCount(perSecond)
}

/** 1234 → "1.23k", 2_500_000 → "2.5M", 12 → "12", 0.5 → "0.5" */
export function formatCount(value: number): string {
  const abs = Math.abs(value)
  if (abs >= 1e9) return `${sig3(value / 1e9)}G`
  if (abs >= 1e6) return `${sig3(value / 1e6)}M`
  if (abs >= 1e3) return `${sig3(value / 1e3)}k`
  if (abs === 0) return '0'
  return sig3(value)
}

function pad2(n: number): string {
  return String(n).padStart(2, '0')
}

/** Unix ms → "2026-01-02 03:04:05" in UTC (on-call shares links across time zones). */
export function formatTimeMs(unixMs: number): string {
  const d = new Date(unixMs)
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
}

/** Unix ms → "03:04:05" (UTC), for axes */
export function formatClockMs(unixMs: number): string {
  const d = new Date(unixMs)
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
}

/** Decimal-string unix ns → "03:04:05.123456" (UTC) with microseconds, for log lines */
export function formatTimeNs(unixNano: string): string {
  const ns = BigInt(unixNano)
  const ms = Number(ns / 1_000_000n)
  const micros = Number((ns / 1000n) % 1_000_000n)
  return `${formatTimeMs(ms)}.${String(micros).padStart(6, '0')}`
}
