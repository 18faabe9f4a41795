/**
 * The producer → agent → collector → bus → ingest → ClickHouse pipeline, with a disruption
 * played in the middle of the stream: producers send spans to the real agent process (disk
 * buffer, retrying sink), which forwards them to the collector process; `disrupt` kills,
 * stops or starves something meanwhile. Afterwards the producers stop, the agent must hand
 * everything it acknowledged to the collector, ingest drains the bus into its own chdb
 * directory, and the verifier counts per producer in SQL: lost = 0 is every scenario's bar.
 *
 * Bus: the local log (the collector alone holds it while it runs; ingest runs after the
 * collector stopped) or Kafka (a broker the scenario owns).
 */
import { startAgentProcess, writeTestAgentConfig, type AgentProcess } from '@periscope/agent/testing'
import type { BusConfig } from '@periscope/pipeline'
import { startProducer, type ProducerStats } from '../harness/producer.ts'
import { freePort, startService, type ServiceProcess } from '../harness/service-process.ts'
import { collectorConfig, createWorkspace, ingestConfig, localBus, waitDrained, type Workspace } from '../harness/stack.ts'
import { countRun, prepareStore, type ProducerCounts } from '../harness/store-client.ts'
import { newRunId } from '../harness/span-batches.ts'

export const KEY = 'faults-agent-pipeline-key-0001'

export interface DisruptionContext {
  ws: Workspace
  collectorUrl: string
  /** the collector running now (replaced by startCollector) */
  collector(): ServiceProcess
  startCollector(): Promise<ServiceProcess>
  agent: AgentProcess
  /** spans acknowledged by the agent so far, all producers */
  ackedSpans(): number
  step(what: string): void
}

export interface AgentPipelineOptions {
  label: string
  /** 'local' or a function giving the Kafka bus config of a client id */
  bus: 'local' | ((clientId: string) => BusConfig)
  producers: number
  spansPerRequest: number
  /** pause between a producer's acknowledged requests */
  intervalMs: number
  /** agent disk buffer bound */
  bufferMaxBytes?: number
  /** a producer gives up when one batch is not accepted for this long */
  batchDeadlineMs?: number
  disrupt(ctx: DisruptionContext): Promise<void>
}

export interface AgentPipelineResult {
  runId: string
  counts: ProducerCounts[]
  producers: Array<Pick<ProducerStats, 'producer' | 'ackedSpans' | 'requests'> & { statuses: Record<number, number> }>
  durationMs: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function agentPipeline(o: AgentPipelineOptions): Promise<AgentPipelineResult> {
  const started = Date.now()
  const ws = createWorkspace(o.label)
  const runId = newRunId(o.label)
  const cleanups: Array<() => Promise<unknown>> = []
  const step = (what: string) => console.log(`[${o.label} +${Date.now() - started} ms] ${what}`)
  const bus = (clientId: string): BusConfig => (o.bus === 'local' ? localBus(ws.path('bus')) : o.bus(clientId))
  try {
    await Promise.all([prepareStore(ws.path('collector-db'), [{ tenantId: 'acme', key: KEY }]), prepareStore(ws.path('ingest-db'), [])])
    const port = await freePort()
    const config = collectorConfig({ port, storePath: ws.path('collector-db'), bus: bus(`faults-collector-${runId}`) })
    let collector: ServiceProcess | undefined
    const startCollector = async () => {
      collector = await startService({ name: 'collector', config, dir: ws.root })
      return collector
    }
    await startCollector()
    cleanups.push(() => collector!.kill())
    step('collector up')

    const agentConfig = writeTestAgentConfig(ws.path('agent'), `http://127.0.0.1:${port}`, {
      logLevel: 'info',
      collector: { ingestKey: KEY, timeoutMs: 10_000, retry: { initialDelayMs: 20, maxDelayMs: 1000 } },
      buffer: { maxBytes: o.bufferMaxBytes ?? 64 << 20 },
      sources: { hostMetrics: { enabled: false } },
    })
    const agent = await startAgentProcess(agentConfig)
    cleanups.push(() => agent.kill())
    step('agent up')

    const producers = Array.from({ length: o.producers }, (_, i) =>
      startProducer({
        url: () => `http://127.0.0.1:${agent.port}`,
        key: 'unused-by-agent',
        runId,
        producer: `p${i}`,
        spansPerRequest: o.spansPerRequest,
        maxRequests: 1e9,
        intervalMs: o.intervalMs,
        batchDeadlineMs: o.batchDeadlineMs ?? 60_000,
      }),
    )
    const ackedSpans = () => producers.reduce((n, p) => n + p.stats.ackedSpans, 0)
    await o.disrupt({ ws, collectorUrl: `http://127.0.0.1:${port}`, collector: () => collector!, startCollector, agent, ackedSpans, step })
    for (const p of producers) p.stop()
    const stats = await Promise.all(producers.map((p) => p.done))
    step(`producers done: ${ackedSpans()} spans acknowledged by the agent`)
    // (unacked_entries is computed at scrape time; unacked_bytes lags one scrape behind)
    const deadline = Date.now() + 180_000
    while ((await agent.metric('periscope_agent_buffer_unacked_entries')) > 0) {
      if (Date.now() > deadline) throw new Error('the agent did not drain its buffer into the collector within 180 s')
      await sleep(200)
    }
    step('agent drained')
    await agent.kill('SIGTERM')
    await collector!.stop()

    const acked = stats.reduce((n, s) => n + s.ackedSpans, 0)
    const ingest = await startService({
      name: 'ingest',
      config: ingestConfig({ storePath: ws.path('ingest-db'), bus: bus(`faults-ingest-${runId}`), groupIdPrefix: `faults-${runId}` }),
      dir: ws.root,
    })
    cleanups.push(() => ingest.kill())
    await waitDrained(ingest, acked, 180_000)
    const stopped = await ingest.stop()
    if (stopped.code !== 0) throw new Error(`ingest did not stop cleanly (${stopped.code ?? stopped.signal}):\n${ingest.output()}`)
    step('ingest drained and stopped')
    const counts = await countRun(ws.path('ingest-db'), runId, Object.fromEntries(stats.map((s) => [s.producer, s.ackedSpans])))
    return {
      runId,
      counts,
      producers: stats.map((s) => ({ producer: s.producer, ackedSpans: s.ackedSpans, requests: s.requests, statuses: Object.fromEntries(s.statuses) })),
      durationMs: Date.now() - started,
    }
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => {})
    ws.remove()
  }
}
