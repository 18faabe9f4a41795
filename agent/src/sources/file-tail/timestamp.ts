/**
 * Timestamps found in log lines → unix nanoseconds (bigint), keeping sub-millisecond digits that
 * Date.parse would drop. Accepts RFC 3339 / ISO 8601 text with up to 9 fractional digits and a
 * zone (Z or ±hh:mm; no zone = UTC), "YYYY-MM-DD hh:mm:ss" with a space, and epoch numbers whose
 * unit is inferred from their magnitude (s, ms, µs or ns). Anything else → undefined.
 */

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s?(Z|z|[+-]\d{2}:?\d{2})?$/

export function parseTimestampNs(value: unknown): bigint | undefined {
  if (typeof value === 'number') return epochNumberToNs(value)
  if (typeof value !== 'string' || value.length < 8) return undefined
  const m = ISO_RE.exec(value)
  if (!m) {
    if (/^\d{9,19}(\.\d+)?$/.test(value)) return epochNumberToNs(Number(value))
    return undefined
  }
  const zone = m[8] ?? ''
  const fraction = m[7] ? BigInt(m[7].padEnd(9, '0')) : 0n
  // the lines of a file mostly share their second: its date arithmetic is done once per second
  if (cachedSecond.prefix !== '' && value.startsWith(cachedSecond.prefix) && zone === cachedSecond.zone) return cachedSecond.ns + fraction
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))
  if (Number.isNaN(ms)) return undefined
  let offsetMinutes = 0
  if (zone && zone !== 'Z' && zone !== 'z') {
    const digits = zone.replace(':', '')
    const sign = digits[0] === '-' ? -1 : 1
    offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)))
  }
  const secondNs = BigInt(ms - offsetMinutes * 60_000) * 1_000_000n
  // date and time up to the seconds: the first 19 characters of every form ISO_RE accepts
  cachedSecond = { prefix: value.slice(0, 19), zone, ns: secondNs }
  return secondNs + fraction
}

/** the last second parsed: its text up to the seconds, its zone as written, and its unix ns */
let cachedSecond: { prefix: string; zone: string; ns: bigint } = { prefix: '', zone: '', ns: 0n }

/** Epoch seconds (< 1e11), ms (< 1e14), µs (< 1e17) or ns, by magnitude; negative/NaN → undefined. */
export function epochNumberToNs(value: number): bigint | undefined {
  if (!Number.isFinite(value) || value <= 0) return undefined
  if (value < 1e11) return BigInt(Math.round(value * 1e6)) * 1000n
  if (value < 1e14) return BigInt(Math.round(value * 1e3)) * 1000n
  if (value < 1e17) return BigInt(Math.round(value)) * 1000n
  return BigInt(Math.round(value))
}
