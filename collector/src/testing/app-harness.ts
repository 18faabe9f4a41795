/**
 * Builds the collector app for tests: memory key source with one tenant key per name, a memory
 * bus, a manual clock (starting at T0), silent logger, fresh metrics registry.
 */
import { createLogger, createSelfMetrics } from '@periscope/runtime'
import type { Bus } from '@periscope/pipeline'
import { build, type Clock } from '../app.ts'
import type { AppConfig } from '../config.ts'
import { generateApiKey } from '../tenants/api-key.ts'
import { createMemoryApiKeySource, createTenantResolver, type MemoryApiKeySource } from '../tenants/tenant-resolver.ts'
import { DEFAULT_ITEM_RULES } from '../validate/item-rules.ts'
import { createMemoryBus, type MemoryBus } from './memory-bus.ts'
import { T0_MS } from './otlp-fixtures.ts'

export const TEST_CONFIG: AppConfig = {
  http: { host: '127.0.0.1', port: 0, maxBodyBytes: 4 << 20, maxInflightBytes: 64 << 20 },
  limits: { defaults: { bytesPerSecond: 64 << 20, itemsPerSecond: 1e6, burstSeconds: 2 }, tenants: {}, maxTrackedTenants: 100 },
  items: { ...DEFAULT_ITEM_RULES },
  keys: { cacheTtlMs: 30_000, negativeCacheTtlMs: 1000, cacheMaxEntries: 100 },
}

export interface Harness {
  app: Awaited<ReturnType<typeof build>>
  bus: MemoryBus
  keys: MemoryApiKeySource
  /** tenant id → bearer key */
  keyOf: Record<string, string>
  clock: Clock & { advance(ms: number): void }
}

export interface HarnessOptions {
  config?: Partial<AppConfig>
  tenants?: string[]
  bus?: Bus
  maxRecordBytes?: number
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  let now = T0_MS
  const clock = { nowMs: () => now, advance: (ms: number) => void (now += ms) }
  const keys = createMemoryApiKeySource()
  const keyOf: Record<string, string> = {}
  for (const tenantId of options.tenants ?? ['t1', 't2']) {
    const key = generateApiKey()
    keys.add({ keyId: key.keyId, tenantId, keyHash: key.keyHash, revoked: false })
    keyOf[tenantId] = key.plaintext
  }
  const config = { ...TEST_CONFIG, ...options.config }
  const bus = (options.bus as MemoryBus | undefined) ?? createMemoryBus()
  const app = await build({
    config,
    logger: createLogger({ service: 'collector-test', level: 'silent' }),
    bus,
    tenants: createTenantResolver({ source: keys, nowMs: clock.nowMs, ttlMs: config.keys.cacheTtlMs, negativeTtlMs: config.keys.negativeCacheTtlMs }),
    metrics: createSelfMetrics({ service: 'collector-test', defaultMetrics: false }),
    clock,
    ...(options.maxRecordBytes ? { maxRecordBytes: options.maxRecordBytes } : {}),
  })
  return { app, bus, keys, keyOf, clock }
}
