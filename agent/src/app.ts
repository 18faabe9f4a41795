/**
 * The agent's wiring, in one place: DiskBuffer ← sources (otlp_http, file_tail,
 * prometheus_scrape, host_metrics); DiskBuffer → otlp_http sink → collector; the sink's
 * acknowledgements advance file checkpoints. `build` opens the buffer and checkpoints and
 * returns the fastify app (OTLP receiver + /healthz, /readyz, /metrics) without listening;
 * `start` starts the sources and the sink, `stop` stops them in reverse and closes the buffer.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { encodeLogs, encodeMetrics, type MetricsRequest } from '@periscope/model'
import { openDiskBuffer, type DiskBuffer } from '@periscope/pipeline'
import { createSelfMetrics, registerOperationalRoutes, type Logger, type SelfMetrics } from '@periscope/runtime'
import { createAgentMetrics, type AgentMetrics } from './agent-metrics.ts'
import { decodeEntry, encodeEntry, type FilePosition } from './buffer-entry.ts'
import type { AgentConfig } from './config.ts'
import { createOtlpHttpSink, type OtlpHttpSink } from './sinks/otlp-http.ts'
import { openCheckpointStore, resumePositions } from './sources/file-tail/checkpoints.ts'
import { createFileTail, type FileTail } from './sources/file-tail/file-tail.ts'
import { createHostMetrics, type HostMetrics } from './sources/host-metrics/host-metrics.ts'
import { registerOtlpReceiver } from './sources/otlp-http/receiver.ts'
import { createKubernetesDiscovery, type KubernetesDiscovery } from './sources/prometheus-scrape/kubernetes-discovery.ts'
import { staticScrapeTargets } from './sources/prometheus-scrape/static-targets.ts'
import { createScraper, type ScrapeTarget, type Scraper } from './sources/prometheus-scrape/scraper.ts'
import { hostResourceAttributes } from './transforms/enrich.ts'

// for embedders (the all-in-one launcher): the config loader and schema travel with the app
export { loadAgentConfig, AgentConfigSchema, type AgentConfig, type LoadedAgentConfig } from './config.ts'

export interface AgentDeps {
  config: AgentConfig
  hostName: string
  /** '' when not in a cluster */
  kubernetesApiUrl: string
  logger: Logger
}

export interface Agent {
  app: FastifyInstance
  buffer: DiskBuffer
  selfMetrics: SelfMetrics
  metrics: AgentMetrics
  fileTail?: FileTail | undefined
  scraper?: Scraper | undefined
  hostMetrics?: HostMetrics | undefined
  sink: OtlpHttpSink
  start(): Promise<void>
  stop(): Promise<void>
}

async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path)
  } catch {
    return undefined
  }
}

export async function build(deps: AgentDeps): Promise<Agent> {
  const { config, logger } = deps
  const selfMetrics = createSelfMetrics({ service: 'agent' })
  const metrics = createAgentMetrics(selfMetrics)
  const buffer = await openDiskBuffer({
    dir: join(config.dataDir, 'buffer'),
    maxBytes: config.buffer.maxBytes,
    segmentBytes: config.buffer.segmentBytes,
    commitIntervalMs: config.buffer.commitIntervalMs,
    onCorruption: (info) => logger.error(info, 'disk buffer: corrupt data discarded during recovery'),
  })
  // the buffer's gauges are read from it at scrape time, each by itself, so none lags a scrape
  selfMetrics.gauge({ name: 'periscope_agent_buffer_max_bytes', help: 'Bound of the disk buffer', collect: (g) => g.set(buffer.stats().maxBytes) })
  selfMetrics.gauge({ name: 'periscope_agent_buffer_unacked_bytes', help: 'Bytes in the disk buffer not yet acknowledged by the collector', collect: (g) => g.set(buffer.stats().unackedBytes) })
  selfMetrics.gauge({ name: 'periscope_agent_buffer_unacked_entries', help: 'Entries in the disk buffer not yet acknowledged', collect: (g) => g.set(buffer.stats().unackedEntries) })
  selfMetrics.gauge({ name: 'periscope_agent_buffer_full_rejections', help: 'Appends refused because the buffer was full, since start', collect: (g) => g.set(buffer.stats().fullRejections) })
  selfMetrics.gauge({
    name: 'periscope_agent_buffer_used_ratio',
    help: 'Unacknowledged bytes / bound of the disk buffer',
    collect: (g) => {
      const stats = buffer.stats()
      g.set(stats.unackedBytes / stats.maxBytes)
    },
  })

  const resourceAttributes = hostResourceAttributes({ hostName: deps.hostName, nodeName: config.nodeName || undefined })
  const emitMetrics = async (request: MetricsRequest, points: number): Promise<boolean> =>
    (await buffer.append(encodeEntry({ signal: 'metrics', meta: { items: points }, body: encodeMetrics(request, 'protobuf') }))).ok

  // ---- file_tail, resuming from checkpoints overlaid with what the buffer still holds ----------
  let fileTail: FileTail | undefined
  const tailConfig = config.sources.fileTail
  if (tailConfig.enabled) {
    const checkpoints = await openCheckpointStore(join(config.dataDir, 'checkpoints.json'))
    const buffered: FilePosition[] = []
    for await (const entry of buffer.unacked()) {
      const decoded = decodeEntry(entry.payload)
      if (decoded.meta.positions) buffered.push(...decoded.meta.positions)
    }
    const multiline = tailConfig.multiline
    fileTail = createFileTail(
      {
        ...tailConfig,
        multiline: {
          mode: multiline.mode,
          maxLines: multiline.maxLines,
          maxBytes: multiline.maxBytes,
          flushTimeoutMs: multiline.flushTimeoutMs,
          continuationPattern: multiline.continuationPattern ? new RegExp(multiline.continuationPattern) : undefined,
          startPattern: multiline.startPattern ? new RegExp(multiline.startPattern) : undefined,
        },
      },
      {
        buffer,
        encodeLogs: (request) => encodeLogs(request, 'protobuf'),
        checkpoints,
        resume: resumePositions(checkpoints.all(), buffered),
        resourceAttributes,
        logger: logger.child({ component: 'file_tail' }),
        counters: metrics.component('source_file_tail'),
        metrics: metrics.fileTail,
      },
    )
  }

  // ---- prometheus_scrape ------------------------------------------------------------------------
  let scraper: Scraper | undefined
  let discovery: KubernetesDiscovery | undefined
  let discoveryTimer: NodeJS.Timeout | undefined
  const scrapeConfig = config.sources.prometheusScrape
  if (scrapeConfig.enabled) {
    const staticTargets: ScrapeTarget[] = staticScrapeTargets(scrapeConfig.targets)
    if (scrapeConfig.kubernetes.enabled) {
      if (!deps.kubernetesApiUrl) throw new Error('sources.prometheusScrape.kubernetes is enabled but no API server is known: set its apiUrl or run in a cluster (KUBERNETES_SERVICE_HOST)')
      const ca = await readOptional(scrapeConfig.kubernetes.caPath)
      discovery = createKubernetesDiscovery(
        {
          apiUrl: deps.kubernetesApiUrl,
          nodeName: config.nodeName,
          ca,
          timeoutMs: scrapeConfig.kubernetes.timeoutMs,
          token: async () => (await readOptional(scrapeConfig.kubernetes.tokenPath))?.toString('utf8').trim(),
        },
        logger.child({ component: 'kubernetes_discovery' }),
      )
    }
    scraper = createScraper(scrapeConfig, {
      targets: () => [...staticTargets, ...(discovery?.targets() ?? [])],
      emit: emitMetrics,
      hostAttributes: resourceAttributes,
      logger: logger.child({ component: 'prometheus_scrape' }),
      counters: metrics.component('source_prometheus_scrape'),
      metrics: metrics.scrape,
    })
  }

  // ---- host_metrics -----------------------------------------------------------------------------
  const hostMetrics = config.sources.hostMetrics.enabled
    ? createHostMetrics(config.sources.hostMetrics, {
        resourceAttributes,
        emit: emitMetrics,
        logger: logger.child({ component: 'host_metrics' }),
        counters: metrics.component('source_host_metrics'),
      })
    : undefined

  // ---- sink ---------------------------------------------------------------------------------------
  const sink = createOtlpHttpSink(config.collector, {
    buffer,
    async onAcknowledged(acknowledged) {
      // oldest first, so a file's newest position wins; one checkpoint save for the lot
      const positions = acknowledged.flatMap((meta) => meta.positions ?? [])
      if (fileTail && positions.length > 0) await fileTail.acknowledge(positions)
    },
    logger: logger.child({ component: 'sink_otlp_http' }),
    counters: metrics.component('sink_otlp_http'),
    metrics: metrics.sink,
  })

  selfMetrics.gauge({ name: 'periscope_agent_sink_in_flight_requests', help: 'Export requests in flight to the collector (bound: collector.maxInFlight)', collect: (g) => g.set(sink.stats().inFlight) })
  selfMetrics.gauge({ name: 'periscope_agent_sink_in_flight_bytes', help: 'Buffer-entry bytes of the requests in flight (bound: collector.maxInFlightBytes + one entry)', collect: (g) => g.set(sink.stats().inFlightBytes) })
  selfMetrics.gauge({
    name: 'periscope_agent_sink_awaiting_earlier_entries',
    help: 'Entries the collector acknowledged whose checkpoints and buffer acknowledgement are not recorded yet (waiting for an earlier entry, or being recorded)',
    collect: (g) => g.set(sink.stats().awaitingEarlier),
  })

  // ---- HTTP: OTLP receiver and operational routes -------------------------------------------------
  let stopping = false
  const app = Fastify({ logger: false, bodyLimit: config.sources.otlpHttp.maxBodyBytes })
  if (config.sources.otlpHttp.enabled) {
    registerOtlpReceiver(app, config.sources.otlpHttp, { buffer, resourceAttributes, counters: metrics.component('source_otlp_http') })
  }
  registerOperationalRoutes(app, {
    ready: () => (stopping ? { ready: false, reason: 'shutting down' } : { ready: true }),
    metrics: selfMetrics,
  })

  return {
    app,
    buffer,
    selfMetrics,
    metrics,
    fileTail,
    scraper,
    hostMetrics,
    sink,
    async start() {
      sink.start()
      if (discovery) {
        await discovery.refresh()
        const refresh = (): void => {
          discoveryTimer = setTimeout(() => void discovery!.refresh().finally(refresh), scrapeConfig.kubernetes.refreshIntervalMs)
        }
        refresh()
      }
      scraper?.start()
      hostMetrics?.start()
      await fileTail?.start()
      logger.info({ collector: config.collector.endpoint, fileTail: tailConfig.enabled, scrape: scrapeConfig.enabled, hostMetrics: !!hostMetrics }, 'agent started')
    },
    async stop() {
      stopping = true
      if (discoveryTimer) clearTimeout(discoveryTimer)
      await fileTail?.stop()
      await scraper?.stop()
      await hostMetrics?.stop()
      await sink.stop()
      await buffer.close()
    },
  }
}
