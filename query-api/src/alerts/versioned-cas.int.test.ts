/**
 * The compare-and-set and the leases on the embedded engine: racing writers of one version get
 * exactly one winner, a writer of a stale version loses, readers see the winner, a lease is
 * held until it expires and taken over after.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, createSelfMetrics } from '@periscope/runtime'
import { migrate, openStore, type Store } from '@periscope/store'
import { createQueryRunner, type QueryRunner } from '../sql/query-runner.ts'
import { createTenantLimiter } from '../sql/tenant-limiter.ts'
import { acquireLease, readLeases } from './lease.ts'
import { compareAndSet, latestQuery } from './versioned-cas.ts'

let dir: string
let store: Store
let runner: QueryRunner

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'periscope-cas-'))
  store = await openStore({ mode: 'embedded', path: join(dir, 'db') })
  await migrate(store)
  runner = createQueryRunner({
    store,
    limiter: createTenantLimiter({ maxConcurrent: 8, maxQueued: 100, maxWaitMs: 10_000, maxTenants: 10 }),
    limits: { maxExecutionTimeMs: 10_000, maxResultRows: 10_000 },
    metrics: createSelfMetrics({ service: 'cas-test', defaultMetrics: false }),
    logger: createLogger({ service: 'cas-test', level: 'silent' }),
  })
})

afterAll(async () => {
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

const state = (writer: string, version: number, value: number) => ({
  table: 'alert_state' as const,
  tenantId: 'acme',
  key: ['rule-1', '{"service":"a/b"}'],
  version,
  writer,
  columns: { State: 'firing', Since: 1n, LastEvaluatedAt: 1n, Value: value },
})

describe('compare-and-set', () => {
  it('gives each version to exactly one of several racing writers', async () => {
    for (let version = 1; version <= 12; version++) {
      const writers = ['w1', 'w2', 'w3', 'w4']
      const won = await Promise.all(writers.map((w, i) => compareAndSet({ store, runner }, state(w, version, i))))
      expect(won.filter(Boolean), `version ${version}`).toHaveLength(1)
    }
    const [latest] = await runner.rows<{ version: string }>(latestQuery('alert_state', 'Version AS version', 'acme', 10), { tenantId: 'acme' })
    expect(latest).toEqual({ version: '12' })
  })

  it('lets a writer of a version already taken lose, and readers see the winner', async () => {
    expect(await compareAndSet({ store, runner }, state('late', 12, 99))).toBe(false)
    expect(await compareAndSet({ store, runner }, state('next', 13, 7))).toBe(true)
    const [latest] = await runner.rows<{ writer: string; value: number }>(latestQuery('alert_state', 'Writer AS writer, Value AS value', 'acme', 10), { tenantId: 'acme' })
    expect(latest).toEqual({ writer: 'next', value: 7 })
  })

  it('does not let a key that only looks alike share versions (tokens hash the key parts)', async () => {
    const a = { ...state('x', 1, 0), key: ['r', 'a/b'] }
    const b = { ...state('y', 1, 0), key: ['r/a', 'b'] }
    expect(await compareAndSet({ store, runner }, a)).toBe(true)
    expect(await compareAndSet({ store, runner }, b)).toBe(true)
  })

  it('refuses a version below 1 (a bug)', async () => {
    await expect(compareAndSet({ store, runner }, state('x', 0, 0))).rejects.toThrow(/from 1/)
  })
})

describe('leases', () => {
  const deps = () => ({ store, runner })
  // realistic instants: lease rows expire by TTL (ttl.alertHistoryDays after ExpiresAt)
  const T = Date.now()

  it('is held by one of several racing acquirers, renewed by its holder, refused to others until it expires', async () => {
    const holders = ['a', 'b', 'c']
    const results = await Promise.all(holders.map((holder) => acquireLease(deps(), { tenantId: '', key: 'evaluator-test', holder, nowMs: T, ttlMs: 500 })))
    const winners = results.filter((r) => r.held)
    expect(winners).toHaveLength(1)
    const holder = winners[0]!.lease!.holder
    for (const r of results) expect(r.lease?.holder).toBe(holder)

    const other = holders.find((h) => h !== holder)!
    expect((await acquireLease(deps(), { tenantId: '', key: 'evaluator-test', holder: other, nowMs: T + 400, ttlMs: 500 })).held).toBe(false)
    const renewed = await acquireLease(deps(), { tenantId: '', key: 'evaluator-test', holder, nowMs: T + 400, ttlMs: 500 })
    expect(renewed).toMatchObject({ held: true, lease: { holder, version: 2, expiresAtMs: T + 900 } })
    expect((await acquireLease(deps(), { tenantId: '', key: 'evaluator-test', holder: other, nowMs: T + 899, ttlMs: 500 })).held).toBe(false)
    const taken = await acquireLease(deps(), { tenantId: '', key: 'evaluator-test', holder: other, nowMs: T + 900, ttlMs: 500 })
    expect(taken).toMatchObject({ held: true, lease: { holder: other, version: 3 } })
    expect((await readLeases(runner, '', ['evaluator-test'])).get('evaluator-test')).toEqual({ holder: other, version: 3, expiresAtMs: T + 1400 })
  })
})
