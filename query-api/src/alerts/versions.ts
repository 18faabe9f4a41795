/**
 * Versions of configuration rows written through the API (SLOs, rules, channels, silences):
 * each write inserts a whole row with Version = unix ns of the write, or the previous version
 * + 1 when the clock has not moved past it, so the newest write always wins under FINAL. The
 * version is the ETag; If-Match on PUT/DELETE refuses (412) to overwrite a version the client
 * has not seen — best effort: two writers racing between the read and the write both succeed,
 * the later version wins.
 */
import { etagMatches } from '../http/cache-headers.ts'
import { PreconditionFailed } from '../errors.ts'

export function nsOfMs(ms: number): bigint {
  return BigInt(ms) * 1_000_000n
}

export function nextVersion(nowNs: bigint, previous: string | undefined): bigint {
  if (previous === undefined) return nowNs
  const before = BigInt(previous)
  return nowNs > before ? nowNs : before + 1n
}

export function etagOf(version: string): string {
  return `"v${version}"`
}

export function checkIfMatch(ifMatch: string | undefined, version: string, what: string): void {
  if (ifMatch !== undefined && !etagMatches(ifMatch, etagOf(version))) {
    throw new PreconditionFailed(`${what} is at version ${version}, not the one in If-Match: reload it and apply the change again`)
  }
}
