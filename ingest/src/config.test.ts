import { describe, expect, it } from 'vitest'
import { ConfigError } from '@periscope/runtime'
import { loadIngestConfig, resolveSettings, settingsOf, warnings } from './config.ts'

const minimal = {
  PERISCOPE_INGEST_BUS_KIND: 'local',
  PERISCOPE_INGEST_BUS_DIR: '/var/lib/periscope/bus',
  PERISCOPE_INGEST_STORE_MODE: 'embedded',
  PERISCOPE_INGEST_STORE_PATH: '/var/lib/periscope/db',
}

describe('loadIngestConfig', () => {
  it('fills the defaults of the issue (10k rows or 1 s, all three signals) and freezes the result', () => {
    const config = loadIngestConfig(minimal)
    expect(config.batch).toEqual({ maxRows: 10_000, maxBytes: 16 << 20, minInsertIntervalMs: 1000 })
    expect(config.signals).toEqual(['traces', 'logs', 'metrics'])
    expect(config.groupIdPrefix).toBe('periscope-ingest')
    expect(config.bus).toMatchObject({ kind: 'local', dir: '/var/lib/periscope/bus' })
    expect(Object.isFrozen(config.batch)).toBe(true)
  })

  it('reads settings from PERISCOPE_INGEST_<SECTION>_<KEY>', () => {
    const config = loadIngestConfig({
      ...minimal,
      PERISCOPE_INGEST_BATCH_MAX_ROWS: '20000',
      PERISCOPE_INGEST_SIGNALS: 'traces,logs',
      PERISCOPE_INGEST_DEFAULT_TENANT_ID: 'acme',
      PERISCOPE_INGEST_HTTP_PORT: '9000',
    })
    expect(config.batch.maxRows).toBe(20_000)
    expect(config.signals).toEqual(['traces', 'logs'])
    expect(config.defaultTenantId).toBe('acme')
    expect(config.http.port).toBe(9000)
    const settings = settingsOf(config)
    expect(settings).not.toHaveProperty('bus')
    expect(settings).not.toHaveProperty('store')
    expect(settings.batch.maxRows).toBe(20_000)
  })

  it('lists every violation at once, unknown variables included', () => {
    let error: unknown
    try {
      loadIngestConfig({ ...minimal, PERISCOPE_INGEST_BATCH_MAX_ROWS: '0', PERISCOPE_INGEST_SIGNALS: 'spans', PERISCOPE_INGEST_BATCH_MAX_ROWZ: '1' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const issues = (error as ConfigError).issues
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['batch.maxRows', 'signals[0]']))
    expect(issues.some((i) => `${i.source} ${i.problem}`.includes('PERISCOPE_INGEST_BATCH_MAX_ROWZ'))).toBe(true)
  })

  it('ignores PERISCOPE_INGEST_KEY (the agent/launcher ingest key, not an ingest setting)', () => {
    const config = loadIngestConfig({ ...minimal, PERISCOPE_INGEST_KEY: 'secret-key' })
    expect(config.bus).toMatchObject({ kind: 'local' })
    expect(JSON.stringify(config)).not.toContain('secret-key')
  })

  it('defaults the bus batch to 1000 records (10k rows at 10 spans per record) for both bus kinds; an explicit value wins', () => {
    expect(loadIngestConfig(minimal).bus.maxBatchRecords).toBe(1000)
    const kafka = { ...minimal, PERISCOPE_INGEST_BUS_KIND: 'kafka', PERISCOPE_INGEST_BUS_BROKERS: 'k1:9092' }
    delete (kafka as Record<string, string | undefined>).PERISCOPE_INGEST_BUS_DIR
    expect(loadIngestConfig(kafka).bus).toMatchObject({ kind: 'kafka', brokers: ['k1:9092'], maxBatchRecords: 1000 })
    expect(loadIngestConfig({ ...minimal, PERISCOPE_INGEST_BUS_MAX_BATCH_RECORDS: '200' }).bus.maxBatchRecords).toBe(200)
  })

  it('warns when the memory budget holds fewer than two full batches', () => {
    const config = loadIngestConfig({ ...minimal, PERISCOPE_INGEST_MAX_PENDING_BYTES: String(16 << 20) })
    expect(warnings(config).join('\n')).toMatch(/maxPendingBytes .* consider raising maxPendingBytes/)
  })
})

describe('resolveSettings', () => {
  it('takes any part of the settings and fills the rest from the defaults', () => {
    const settings = resolveSettings({ signals: ['logs'], batch: { maxRows: 500 } })
    expect(settings.signals).toEqual(['logs'])
    expect(settings.batch).toEqual({ maxRows: 500, maxBytes: 16 << 20, minInsertIntervalMs: 1000 })
    expect(settings.membersPerGroup).toBe(2)
  })

  it('refuses invalid settings, naming them', () => {
    expect(() => resolveSettings({ batch: { maxRows: 0 } })).toThrow(/\/batch\/maxRows/)
  })
})
