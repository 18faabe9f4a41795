/**
 * Instants on the wire. `from`/`to` arrive as unix milliseconds (decimal digits) or RFC 3339
 * (`2026-01-02T03:04:05.123456789Z`, `…+02:00`); inside the service every instant is unix
 * nanoseconds as a bigint, so RFC 3339 fractions down to the nanosecond survive.
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|([+-])(\d{2}):(\d{2}))$/
const UNIX_MS = /^\d{1,15}$/

export const NS_PER_MS = 1_000_000n

/** Unix ns of an instant given as unix ms or RFC 3339; null when the text is neither. */
export function parseInstantNs(text: string): bigint | null {
  const trimmed = text.trim()
  if (UNIX_MS.test(trimmed)) return BigInt(trimmed) * NS_PER_MS
  const m = RFC3339.exec(trimmed)
  if (!m) return null
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number]
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60) return null
  const ms = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59))
  // Date.UTC rolls 2026-02-30 over into March: refuse days the month does not have
  if (new Date(ms).getUTCDate() !== day) return null
  let offsetMinutes = 0
  if (m[9] !== undefined) {
    const offsetHours = Number(m[10])
    const offsetMins = Number(m[11])
    if (offsetHours > 23 || offsetMins > 59) return null
    offsetMinutes = (offsetHours * 60 + offsetMins) * (m[9] === '-' ? -1 : 1)
  }
  const fractionNs = m[7] === undefined ? 0n : BigInt(m[7].padEnd(9, '0'))
  const ns = (BigInt(ms) - BigInt(offsetMinutes) * 60_000n) * NS_PER_MS + fractionNs
  return ns >= 0n ? ns : null
}

/** Unix ms (floor) of unix ns, as a JSON-safe number. */
export function nsToMs(ns: bigint): number {
  return Number(ns / NS_PER_MS)
}

export function msToNs(ms: number): bigint {
  return BigInt(Math.trunc(ms)) * NS_PER_MS
}
