/**
 * Configs and waits for the services of a scenario: collector and ingest configs with fast
 * timings on loopback, a temp workspace, and "ingest has drained the bus" read from ingest's own
 * /metrics (every consumer lag series is 0 and at least `minRows` rows were written).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BusConfig } from '@periscope/pipeline'
import { IngestConfigSchema } from '@periscope/ingest/app'
import type { ServiceProcess } from './service-process.ts'

export interface Workspace {
  root: string
  path(...parts: string[]): string
  remove(): void
}

export function createWorkspace(label: string): Workspace {
  const root = mkdtempSync(join(tmpdir(), `periscope-faults-${label}-`))
  return { root, path: (...parts) => join(root, ...parts), remove: () => rmSync(root, { recursive: true, force: true }) }
}

export function localBus(dir: string, overrides: Partial<BusConfig> = {}): BusConfig {
  return { kind: 'local', dir, partitions: 3, retryBackoffMs: 20, maxRetryBackoffMs: 200, ...overrides } as BusConfig
}

export function kafkaBus(brokers: string[], clientId: string, overrides: Record<string, unknown> = {}): BusConfig {
  return {
    kind: 'kafka',
    brokers,
    clientId,
    partitions: 3,
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 500,
    rebalanceTimeoutMs: 10_000,
    retryBackoffMs: 50,
    maxRetryBackoffMs: 500,
    sendTimeoutMs: 3_000,
    ...overrides,
  } as BusConfig
}

export interface CollectorConfigOptions {
  port: number
  storePath: string
  bus: BusConfig
  /** per-tenant rate limits, by tenant id */
  tenantLimits?: Record<string, { bytesPerSecond: number; itemsPerSecond: number; burstSeconds?: number }>
  maxBodyBytes?: number
}

export function collectorConfig(o: CollectorConfigOptions): Record<string, unknown> {
  return {
    http: { host: '127.0.0.1', port: o.port, maxBodyBytes: o.maxBodyBytes ?? 4 << 20 },
    limits: { tenants: o.tenantLimits ?? {} },
    keys: { cacheTtlMs: 30_000, negativeCacheTtlMs: 1_000 },
    bus: o.bus,
    store: { mode: 'embedded', path: o.storePath },
    logLevel: 'info',
    shutdownTimeoutMs: 10_000,
  }
}

export interface IngestConfigOptions {
  storePath: string
  bus: BusConfig
  groupIdPrefix: string
  maxRows?: number
  signals?: Array<'traces' | 'logs' | 'metrics'>
}

/** ingest's settings sat under `ingest` in its first config schema and at the top level since */
const NESTED_INGEST_SETTINGS = 'ingest' in (IngestConfigSchema as unknown as { properties: Record<string, unknown> }).properties

export function ingestConfig(o: IngestConfigOptions): Record<string, unknown> {
  const settings = {
    signals: o.signals ?? ['traces'],
    groupIdPrefix: o.groupIdPrefix,
    batch: { maxRows: o.maxRows ?? 500, minInsertIntervalMs: 0 },
    maxPendingBytes: 64 << 20,
    retry: { initialDelayMs: 50, maxDelayMs: 500 },
    stopGraceMs: 3_000,
  }
  return {
    ...(NESTED_INGEST_SETTINGS ? { ingest: settings } : settings),
    bus: o.bus,
    store: { mode: 'embedded', path: o.storePath },
    http: { host: '127.0.0.1', port: 0 },
    logLevel: 'info',
    shutdownTimeoutMs: 15_000,
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Waits until ingest reports no lag on any partition (committed offsets: what it committed is in
 * ClickHouse) on two reads in a row, and at least `minRows` span rows written by this process.
 */
export async function waitDrained(ingest: ServiceProcess, minRows: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  let quiet = 0
  for (;;) {
    try {
      const text = await (await fetch(`${ingest.url}/metrics`)).text()
      const lags = text.split('\n').filter((l) => l.startsWith('periscope_ingest_consumer_lag_records{') && l.includes('otlp.traces'))
      const lag = lags.reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)
      const rows = await ingest.metric('periscope_ingest_rows_written_total', 'table="otel_traces"')
      last = `lag series ${lags.length}, lag ${lag}, rows written ${rows}`
      quiet = lags.length > 0 && lag === 0 && rows >= minRows ? quiet + 1 : 0
      if (quiet >= 2) return
    } catch (error) {
      last = String(error)
    }
    if (Date.now() > deadline) throw new Error(`ingest did not drain within ${timeoutMs} ms (${last})\n${ingest.output()}`)
    await sleep(200)
  }
}
