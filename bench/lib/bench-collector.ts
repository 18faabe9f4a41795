/**
 * The collector the benchmarks build in-process: production item rules, limits out of the way
 * (the benchmarks measure cost, not rate limiting), and one ingest key of one tenant.
 */
import { build, createMemoryApiKeySource, createTenantResolver, DEFAULT_ITEM_RULES, generateApiKey } from '@periscope/collector/app'
import type { Bus } from '@periscope/pipeline'
import type { Logger } from '@periscope/runtime'
import { createSelfMetrics } from '@periscope/runtime'

export async function buildBenchCollector(options: { bus: Bus; logger: Logger; tenantId: string; service: string }): Promise<{ app: Awaited<ReturnType<typeof build>>; key: string }> {
  const key = generateApiKey()
  const app = await build({
    config: {
      http: { host: '127.0.0.1', port: 0, maxBodyBytes: 16 << 20, maxInflightBytes: 256 << 20 },
      limits: { defaults: { bytesPerSecond: 1e12, itemsPerSecond: 1e12, burstSeconds: 1 }, tenants: {}, maxTrackedTenants: 100 },
      items: { ...DEFAULT_ITEM_RULES },
      keys: { cacheTtlMs: 30_000, negativeCacheTtlMs: 5_000, cacheMaxEntries: 100 },
    },
    logger: options.logger,
    bus: options.bus,
    tenants: createTenantResolver({ source: createMemoryApiKeySource([{ keyId: key.keyId, tenantId: options.tenantId, keyHash: key.keyHash, revoked: false }]), nowMs: Date.now }),
    metrics: createSelfMetrics({ service: options.service }),
  })
  return { app, key: key.plaintext }
}
