/**
 * Scenario: the ingest process (ingest/src/main.ts, as deployed) is SIGKILLed `kills` times
 * while it works through the stream; afterwards ClickHouse holds every span exactly once:
 * lost = 0 and duplicated = 0, counted in SQL over (run id, producer, seq).
 *
 * - local log: the log is single-process (a pid lock), so the producer appends a chunk between
 *   ingest lives and each life is killed at a random moment while it still has lag.
 * - Kafka: the producer writes continuously in the background while lives are killed.
 * A kill counts as "mid-stream" when ingest's /metrics showed rows written by that life and lag
 * left just before it; the result
 * says how many were. Each life reads with another batch size, so a replay meets other batch
 * boundaries than the life that planned it (only ingest's range ledger keeps that exact).
 * A last life drains the stream and stops with SIGTERM, then the verifier counts.
 */
import { openBus, TOPICS, type BusConfig } from '@periscope/pipeline'
import { sendAll, spanRecords } from '../harness/bus-records.ts'
import { startService, type ServiceProcess } from '../harness/service-process.ts'
import { createWorkspace, ingestConfig, localBus, waitDrained } from '../harness/stack.ts'
import { countRun, prepareStore, type ProducerCounts } from '../harness/store-client.ts'
import { newRunId } from '../harness/span-batches.ts'

export interface IngestKillsOptions {
  kills: number
  bus: 'local' | { kind: 'kafka'; busConfig: (clientId: string) => BusConfig }
  /** records appended per life (local) or per background chunk (Kafka) */
  recordsPerChunk: number
  /** Kafka: a background chunk every this many ms (bounded: about 20 s pass per life while the group rejoins) */
  produceEveryMs?: number
  spansPerRecord: number
  /** how long a life runs before its SIGKILL: uniform in [minLifeMs, maxLifeMs] after it serves */
  minLifeMs: number
  maxLifeMs: number
}

export interface IngestKillsResult {
  runId: string
  kills: number
  midStreamKills: number
  counts: ProducerCounts
  durationMs: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const TENANT = 'faults'
const PRODUCER = 'bus'
const BATCH_SIZES = [
  { maxBatchRecords: 25, maxRows: 120 },
  { maxBatchRecords: 40, maxRows: 300 },
  { maxBatchRecords: 15, maxRows: 90 },
  { maxBatchRecords: 33, maxRows: 250 },
  { maxBatchRecords: 50, maxRows: 500 },
]

async function lagOf(ingest: ServiceProcess): Promise<number> {
  return ingest.metric('periscope_ingest_consumer_lag_records', 'otlp.traces')
}

export async function ingestKills(o: IngestKillsOptions): Promise<IngestKillsResult> {
  const started = Date.now()
  const ws = createWorkspace('ingest-kills')
  const runId = newRunId('ingest-kills')
  const step = (what: string) => console.log(`[ingest-kills +${Date.now() - started} ms] ${what}`)
  const busConfig: BusConfig = o.bus === 'local' ? localBus(ws.path('bus')) : o.bus.busConfig(`faults-${runId}`)
  let life = 0
  const lifeConfig = () => {
    const size = BATCH_SIZES[life++ % BATCH_SIZES.length]!
    return ingestConfig({ storePath: ws.path('ingest-db'), bus: { ...busConfig, maxBatchRecords: size.maxBatchRecords } as BusConfig, groupIdPrefix: `faults-${runId}`, maxRows: size.maxRows })
  }
  let produced = 0
  const appendChunk = async (bus: Awaited<ReturnType<typeof openBus>>) => {
    await sendAll(bus, spanRecords(runId, PRODUCER, produced * o.spansPerRecord, o.recordsPerChunk, o.spansPerRecord, TENANT))
    produced += o.recordsPerChunk
  }
  let current: ServiceProcess | undefined
  let stopProducing = false
  let producing: Promise<void> = Promise.resolve()
  try {
    await prepareStore(ws.path('ingest-db'), [])
    step('store prepared')
    let kafkaProducer: Awaited<ReturnType<typeof openBus>> | undefined
    if (o.bus !== 'local') {
      kafkaProducer = await openBus(busConfig)
      await kafkaProducer.ensureTopics([TOPICS.traces])
      const p = kafkaProducer
      producing = (async () => {
        while (!stopProducing) {
          await appendChunk(p)
          await sleep(o.produceEveryMs ?? 300)
        }
      })()
    }
    let midStream = 0
    for (let k = 0; k < o.kills; k++) {
      if (o.bus === 'local') {
        const bus = await openBus(busConfig)
        await bus.ensureTopics([TOPICS.traces])
        await appendChunk(bus)
        await bus.close()
      }
      current = await startService({ name: 'ingest', config: lifeConfig(), dir: ws.root })
      await sleep(o.minLifeMs + Math.random() * (o.maxLifeMs - o.minLifeMs))
      // mid-stream: this life has written rows and still has lag, so batches are in hand
      const written = await current.metric('periscope_ingest_rows_written_total', 'table="otel_traces"').catch(() => 0)
      if (written > 0 && (await lagOf(current).catch(() => 0)) > 0) midStream++
      await current.kill()
      step(`kill ${k + 1} (${midStream} mid-stream so far, ${produced} records produced)`)
    }
    stopProducing = true
    await producing
    await kafkaProducer?.close()
    const expected = produced * o.spansPerRecord
    current = await startService({ name: 'ingest', config: lifeConfig(), dir: ws.root })
    // rows_written counts this life only: the earlier lives wrote the rest, so lag alone decides
    await waitDrained(current, 0, 240_000)
    const stopped = await current.stop()
    if (stopped.code !== 0) throw new Error(`ingest did not stop cleanly (${stopped.code ?? stopped.signal}):\n${current.output()}`)
    step('drained and stopped')
    const [counts] = await countRun(ws.path('ingest-db'), runId, { [PRODUCER]: expected })
    return { runId, kills: o.kills, midStreamKills: midStream, counts: counts!, durationMs: Date.now() - started }
  } finally {
    stopProducing = true
    await producing.catch(() => {})
    await current?.kill()
    ws.remove()
  }
}
