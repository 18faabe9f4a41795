/**
 * The real collector over a local-log bus (fsync'd group commit, as in the all-in-one), as a
 * child process of bench/agent/throughput.ts, so the agent's sink meets the collector's real
 * durable hand-off — without ingest and ClickHouse, whose CPU would blur the agent's figures.
 *
 *   node --import tsx bench/agent/collector-child.ts <dataDir>
 *
 * Sends {port, key} over IPC once listening; stops on the message 'stop' or on SIGTERM. Its
 * accepted log records are read from its /metrics (periscope_collector_accepted_items_total).
 */
import { openBus, TOPICS } from '@periscope/pipeline'
import { createLogger } from '@periscope/runtime'
import { buildBenchCollector } from '../lib/bench-collector.ts'

const [dataDir] = process.argv.slice(2)
if (!dataDir || !process.send) throw new Error('usage: forked with <dataDir>')
const logger = createLogger({ service: 'bench-agent-collector', level: 'warn' })
const bus = await openBus({ kind: 'local', dir: `${dataDir}/bus`, partitions: 4, maxBatchRecords: 1000, maxBatchBytes: 16 << 20 })
await bus.ensureTopics(Object.values(TOPICS))
const { app, key } = await buildBenchCollector({ bus, logger, tenantId: 'bench', service: 'collector' })
const address = await app.listen({ host: '127.0.0.1', port: 0 })
const port = Number(new URL(address).port)

async function stop(): Promise<void> {
  await app.close()
  await bus.close()
  process.exit(0)
}
process.on('message', (m) => m === 'stop' && void stop())
process.on('SIGTERM', () => void stop())
process.send({ port, key })
