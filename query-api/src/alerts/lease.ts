/**
 * Leases in `alert_leases`, taken and renewed by compare-and-set (versioned-cas.ts): the holder
 * of a key's current version holds it until ExpiresAt. Acquiring succeeds when the lease is
 * free (no row, or expired) or already ours; it writes version + 1 with a new expiry, and only
 * one of several racing acquirers wins that version.
 *
 * Used for the evaluator's leadership (tenant '', key 'evaluator': only the leader evaluates)
 * and for each delivery of an event to a channel (key 'delivery/<eventId>/<channelId>': only
 * its holder sends, and a delivery whose holder stopped is resumed once the lease expired).
 * Time is the holder's clock; a holder stops acting before its own expiry (mayContinue), so
 * skew between replicas up to the margin the caller keeps is harmless.
 */
import type { QueryRunner } from '../sql/query-runner.ts'
import { compareAndSet, type CasDeps } from './versioned-cas.ts'

export const LEADER_LEASE = { tenantId: '', key: 'evaluator' } as const

export function deliveryLeaseKey(eventId: string, channelId: string): string {
  return `delivery/${eventId}/${channelId}`
}

export interface LeaseState {
  readonly holder: string
  readonly version: number
  readonly expiresAtMs: number
}

interface RawLease {
  key: string
  holder: string
  version: string
  expiresAtNs: string
}

const COLUMNS = 'LeaseKey AS key, Holder AS holder, Version AS version, toUnixTimestamp64Nano(ExpiresAt) AS expiresAtNs'

function leaseOf(raw: RawLease): LeaseState {
  return { holder: raw.holder, version: Number(raw.version), expiresAtMs: Number(BigInt(raw.expiresAtNs) / 1_000_000n) }
}

export async function readLeases(runner: QueryRunner, tenantId: string, keys: readonly string[]): Promise<Map<string, LeaseState>> {
  if (keys.length === 0) return new Map()
  const rows = await runner.rows<RawLease>(
    {
      name: 'leases.read',
      sql: `SELECT ${COLUMNS} FROM alert_leases
WHERE TenantId = {tenantId:String} AND LeaseKey IN {keys:Array(String)}
ORDER BY LeaseKey, Version DESC, InsertedAt, Holder
LIMIT 1 BY LeaseKey`,
      params: { tenantId, keys: [...keys] },
    },
    { tenantId },
  )
  return new Map(rows.map((row) => [row.key, leaseOf(row)]))
}

export interface AcquireOptions {
  readonly tenantId: string
  readonly key: string
  readonly holder: string
  readonly nowMs: number
  readonly ttlMs: number
}

export interface AcquireResult {
  readonly held: boolean
  /** the lease as it stands after the attempt (ours when held) */
  readonly lease: LeaseState | null
}

export async function acquireLease(deps: CasDeps, options: AcquireOptions): Promise<AcquireResult> {
  const current = (await readLeases(deps.runner, options.tenantId, [options.key])).get(options.key) ?? null
  if (current && current.holder !== options.holder && current.expiresAtMs > options.nowMs) return { held: false, lease: current }
  const version = (current?.version ?? 0) + 1
  const expiresAtMs = options.nowMs + options.ttlMs
  const won = await compareAndSet(deps, {
    table: 'alert_leases',
    tenantId: options.tenantId,
    key: [options.key],
    version,
    writer: options.holder,
    columns: { ExpiresAt: BigInt(expiresAtMs) * 1_000_000n },
  })
  if (won) return { held: true, lease: { holder: options.holder, version, expiresAtMs } }
  return { held: false, lease: (await readLeases(deps.runner, options.tenantId, [options.key])).get(options.key) ?? null }
}
