/** RFC 3339 text of unix ns, with all nine fraction digits when the instant has sub-ms parts. */
export function isoOfNs(ns: bigint): string {
  const ms = ns / 1_000_000n
  const base = new Date(Number(ms)).toISOString()
  const subMs = ns % 1_000_000n
  if (subMs === 0n) return base
  return `${base.slice(0, 19)}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}Z`
}
