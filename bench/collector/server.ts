/**
 * The collector under benchmark, as its own process so its CPU is measured apart from the load
 * generator: `node --import tsx bench/collector/server.ts <null|local> <dataDir>`.
 * Prints one JSON line {"port","key"} once listening; exits on SIGTERM.
 *
 * Bus `null` accepts every record at once (the collector's own cost); `local` is the embedded
 * durable log (fsync with group commit), as `npm start` runs it.
 */
import { build, createMemoryApiKeySource, createTenantResolver, DEFAULT_ITEM_RULES, generateApiKey } from '@periscope/collector/app'
import { openBus, type Bus } from '@periscope/pipeline'
import { createLogger, createSelfMetrics } from '@periscope/runtime'

const [busKind = 'null', dataDir = '/tmp/periscope-bench-collector'] = process.argv.slice(2)

const nullBus: Bus = {
  kind: 'local',
  async ensureTopics() {},
  async send() {
    return { status: 'success' }
  },
  async consume() {
    throw new Error('not consumed in the benchmark')
  },
  async ready() {
    return true
  },
  async close() {},
}

const bus = busKind === 'local' ? await openBus({ kind: 'local', dir: dataDir }) : nullBus
if (busKind === 'local') await bus.ensureTopics(['otlp.traces', 'otlp.logs', 'otlp.metrics'])
const key = generateApiKey()
const source = createMemoryApiKeySource([{ keyId: key.keyId, tenantId: 'bench', keyHash: key.keyHash, revoked: false }])
const app = await build({
  config: {
    http: { host: '127.0.0.1', port: 0, maxBodyBytes: 16 << 20, maxInflightBytes: 256 << 20 },
    limits: { defaults: { bytesPerSecond: 1e12, itemsPerSecond: 1e12, burstSeconds: 1 }, tenants: {}, maxTrackedTenants: 100 },
    items: { ...DEFAULT_ITEM_RULES },
    keys: { cacheTtlMs: 30_000, negativeCacheTtlMs: 5_000, cacheMaxEntries: 100 },
  },
  logger: createLogger({ service: 'collector-bench', level: 'warn' }),
  bus,
  tenants: createTenantResolver({ source, nowMs: Date.now }),
  metrics: createSelfMetrics({ service: 'collector-bench' }),
})
const address = await app.listen({ host: '127.0.0.1', port: 0 })
process.stdout.write(JSON.stringify({ port: Number(new URL(address).port), key: key.plaintext }) + '\n')
process.on('SIGTERM', () => {
  void app.close().then(() => bus.close()).then(() => process.exit(0))
})
