/**
 * Scenario: the collector is SIGKILLed `kills` times under load while the agent (the real agent
 * process, disk buffer and retrying sink) forwards a producer's spans to it. Every span the
 * agent answered 200 must end in ClickHouse: lost = 0. Duplicates are allowed (a request whose
 * records reached the bus but whose answer died with the collector is resent) and reported.
 *
 * Bus: the local log (only the collector holds it while it runs); once the producer and the
 * agent are done, ingest drains the log into its own chdb directory, and the verifier counts.
 * The collector comes back on the same port each time, as a Deployment's pod behind a Service.
 */
import { startAgentProcess, writeTestAgentConfig } from '@periscope/agent/testing'
import { startProducer, type ProducerStats } from '../harness/producer.ts'
import { freePort, startService, type ServiceProcess } from '../harness/service-process.ts'
import { collectorConfig, createWorkspace, ingestConfig, localBus, waitDrained } from '../harness/stack.ts'
import { countRun, prepareStore, type ProducerCounts } from '../harness/store-client.ts'
import { newRunId } from '../harness/span-batches.ts'

export interface CollectorKillsOptions {
  kills: number
  /** time the collector runs between kills: uniform in [minUpMs, maxUpMs] */
  minUpMs: number
  maxUpMs: number
  producers: number
  spansPerRequest: number
}

export interface CollectorKillsResult {
  runId: string
  kills: number
  counts: ProducerCounts[]
  producers: ProducerStats[]
  durationMs: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const KEY = 'faults-collector-kill-key-0001'

export async function collectorKills(o: CollectorKillsOptions): Promise<CollectorKillsResult> {
  const started = Date.now()
  const ws = createWorkspace('collector-kills')
  const runId = newRunId('collector-kills')
  const cleanups: Array<() => Promise<unknown>> = []
  const step = (what: string) => console.log(`[collector-kills +${Date.now() - started} ms] ${what}`)
  try {
    await Promise.all([prepareStore(ws.path('collector-db'), [{ tenantId: 'acme', key: KEY }]), prepareStore(ws.path('ingest-db'), [])])
    step('stores prepared')
    const port = await freePort()
    const config = collectorConfig({ port, storePath: ws.path('collector-db'), bus: localBus(ws.path('bus')) })
    const startCollector = () => startService({ name: 'collector', config, dir: ws.root })
    let collector: ServiceProcess = await startCollector()
    cleanups.push(() => collector.kill())

    const agentConfig = writeTestAgentConfig(ws.path('agent'), `http://127.0.0.1:${port}`, {
      logLevel: 'info',
      collector: { ingestKey: KEY, timeoutMs: 3000, retry: { initialDelayMs: 20, maxDelayMs: 500 } },
      sources: { hostMetrics: { enabled: false } },
    })
    step('collector up')
    const agent = await startAgentProcess(agentConfig)
    step('agent up')
    cleanups.push(() => agent.kill())

    const producers = Array.from({ length: o.producers }, (_, i) =>
      startProducer({ url: () => `http://127.0.0.1:${agent.port}`, key: 'unused-by-agent', runId, producer: `p${i}`, spansPerRequest: o.spansPerRequest, maxRequests: 1e9, intervalMs: 20 }),
    )
    for (let k = 0; k < o.kills; k++) {
      await sleep(o.minUpMs + Math.random() * (o.maxUpMs - o.minUpMs))
      await collector.kill()
      // down long enough for the agent to see refused connections and back off
      await sleep(200)
      collector = await startCollector()
      step(`kill ${k + 1}: collector back; acked ${producers.map((p) => p.stats.ackedSpans).join('/')}`)
    }
    await sleep(o.minUpMs)
    for (const p of producers) p.stop()
    const stats = await Promise.all(producers.map((p) => p.done))
    step('producers done')
    // the agent acknowledged these; wait until it has handed all of them to the collector
    const deadline = Date.now() + 60_000
    // (unacked_entries is computed at scrape time; unacked_bytes lags one scrape behind)
    while ((await agent.metric('periscope_agent_buffer_unacked_entries')) > 0) {
      if (Date.now() > deadline) throw new Error('the agent did not drain its buffer into the collector within 60 s')
      await sleep(100)
    }
    step('agent drained')
    await agent.kill('SIGTERM')
    await collector.stop()

    const acked = stats.reduce((n, s) => n + s.ackedSpans, 0)
    const ingest = await startService({ name: 'ingest', config: ingestConfig({ storePath: ws.path('ingest-db'), bus: localBus(ws.path('bus')), groupIdPrefix: 'faults' }), dir: ws.root })
    cleanups.push(() => ingest.kill())
    step('ingest up')
    await waitDrained(ingest, acked, 30_000)
    step('ingest drained')
    const stopped = await ingest.stop()
    if (stopped.code !== 0) throw new Error(`ingest did not stop cleanly (${stopped.code ?? stopped.signal}):\n${ingest.output()}`)
    const counts = await countRun(ws.path('ingest-db'), runId, Object.fromEntries(stats.map((s) => [s.producer, s.ackedSpans])))
    return { runId, kills: o.kills, counts, producers: stats, durationMs: Date.now() - started }
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => {})
    ws.remove()
  }
}
