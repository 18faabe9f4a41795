/**
 * The collector under benchmark, as its own process so its CPU is measured apart from the load
 * generator: `node --import tsx bench/collector/server.ts <null|local> <dataDir>`.
 * Prints one JSON line {"port","key"} once listening; exits on SIGTERM.
 *
 * Bus `null` accepts every record at once (the collector's own cost); `local` is the embedded
 * durable log (fsync with group commit), as `npm start` runs it.
 */
import { openBus, type Bus } from '@periscope/pipeline'
import { createLogger } from '@periscope/runtime'
import { buildBenchCollector } from '../lib/bench-collector.ts'

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
const { app, key } = await buildBenchCollector({ bus, logger: createLogger({ service: 'collector-bench', level: 'warn' }), tenantId: 'bench', service: 'collector-bench' })
const address = await app.listen({ host: '127.0.0.1', port: 0 })
process.stdout.write(JSON.stringify({ port: Number(new URL(address).port), key }) + '\n')
process.on('SIGTERM', () => {
  void app.close().then(() => bus.close()).then(() => process.exit(0))
})
