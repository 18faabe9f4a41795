/**
 * The `prometheus_scrape` source: scrapes static targets and discovered pods every interval and
 * ships each scrape as one OTLP metrics request, with the Prometheus synthetic series per target:
 *   up                       1 when the scrape succeeded (HTTP 200, within the timeout and size
 *                            bound, and the body parsed), else 0
 *   scrape_duration_seconds  how long the scrape took, success or not
 *   scrape_samples_scraped   samples in the body (0 on failure)
 * A failed scrape is counted by reason (timeout, http_status, too_large, parse_error, network)
 * and still produces `up = 0`, so a dead target shows as a series rather than as silence.
 * Scrapes are bounded in time (AbortSignal) and bytes, and run at most `concurrency` at a time.
 */
import type { KeyValue, Metric, MetricsRequest, NumberDataPoint } from '@periscope/model'
import type { Logger } from '@periscope/runtime'
import type { AgentMetrics, ComponentCounters } from '../../agent-metrics.ts'
import { stringAttribute } from '../../transforms/any-value.ts'
import { parseExposition } from './exposition-parser.ts'
import { familiesToMetrics } from './to-otlp.ts'

export interface ScrapeTarget {
  url: string
  job: string
  /** resource attributes of the scraped service (service.name, k8s.*) */
  resourceAttributes: KeyValue[]
}

export interface ScraperOptions {
  intervalMs: number
  timeoutMs: number
  maxBodyBytes: number
  concurrency: number
}

export type ScrapeFailure = 'timeout' | 'http_status' | 'too_large' | 'parse_error' | 'network'

export interface ScrapeResult {
  up: boolean
  durationSeconds: number
  samples: number
  failure?: ScrapeFailure
  detail?: string
  request: MetricsRequest
}

export interface ScraperDeps {
  targets: () => readonly ScrapeTarget[]
  /** ships one scrape's request; false when the buffer was full (the scrape is then dropped and counted) */
  emit: (request: MetricsRequest, points: number) => Promise<boolean>
  hostAttributes: readonly KeyValue[]
  logger: Logger
  counters: ComponentCounters
  metrics: AgentMetrics['scrape']
  now?: () => number
}

export interface Scraper {
  scrape(target: ScrapeTarget): Promise<ScrapeResult>
  scrapeAll(): Promise<ScrapeResult[]>
  start(): void
  stop(): Promise<void>
}

const SCOPE = { name: 'periscope-agent/prometheus_scrape', version: '', attributes: [], droppedAttributesCount: 0 }
const ACCEPT = 'text/plain;version=0.0.4;q=1,*/*;q=0.1'

class TooLarge extends Error {}

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const reader = response.body?.getReader()
  if (!reader) return ''
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel()
      throw new TooLarge(`body larger than ${maxBytes} bytes`)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function gauge(name: string, description: string, value: number, timeNs: bigint, unit = ''): Metric {
  const point: NumberDataPoint = { attributes: [], startTimeUnixNano: 0n, timeUnixNano: timeNs, value: { type: 'double', value }, exemplars: [], flags: 0 }
  return { name, description, unit, metadata: [], data: { type: 'gauge', dataPoints: [point] } }
}

export function createScraper(options: ScraperOptions, deps: ScraperDeps): Scraper {
  const now = deps.now ?? Date.now
  const startTimes = new Map<string, bigint>()
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> | undefined
  let stopped = false
  const lastFailure = new Map<string, string>()

  async function scrape(target: ScrapeTarget): Promise<ScrapeResult> {
    const startedMs = now()
    const scrapeTimeNs = BigInt(startedMs) * 1_000_000n
    let startTimeNs = startTimes.get(target.url)
    if (startTimeNs === undefined) {
      startTimeNs = scrapeTimeNs
      startTimes.set(target.url, startTimeNs)
    }
    let metrics: Metric[] = []
    let failure: ScrapeFailure | undefined
    let detail: string | undefined
    let samples = 0
    try {
      const response = await fetch(target.url, { headers: { accept: ACCEPT }, signal: AbortSignal.timeout(options.timeoutMs), redirect: 'follow' })
      if (response.status !== 200) {
        failure = 'http_status'
        detail = `HTTP ${response.status}`
        await response.body?.cancel()
      } else {
        const text = await readBounded(response, options.maxBodyBytes)
        const parsed = parseExposition(text)
        if (!parsed.ok) {
          failure = 'parse_error'
          detail = `line ${parsed.error.line}: ${parsed.error.message}`
        } else {
          samples = parsed.value.reduce((n, f) => n + f.samples.length, 0)
          metrics = familiesToMetrics(parsed.value, startTimeNs, scrapeTimeNs).metrics
        }
      }
    } catch (error) {
      const name = (error as Error).name
      if (error instanceof TooLarge) failure = 'too_large'
      else if (name === 'TimeoutError' || name === 'AbortError') failure = 'timeout'
      else failure = 'network'
      detail = (error as Error).message
    }
    const durationSeconds = (now() - startedMs) / 1000
    const up = failure === undefined
    metrics.push(
      gauge('up', 'The scraping was successful', up ? 1 : 0, scrapeTimeNs),
      gauge('scrape_duration_seconds', 'Duration of the scrape', durationSeconds, scrapeTimeNs, 's'),
      gauge('scrape_samples_scraped', 'The number of samples the target exposed', samples, scrapeTimeNs),
    )
    if (failure) {
      deps.metrics.failures.inc({ reason: failure })
      deps.counters.failed(1)
      // one log line per change of a target's state, not one per failed scrape
      if (lastFailure.get(target.url) !== failure) deps.logger.warn({ target: target.url, reason: failure, detail }, 'scrape failed')
      lastFailure.set(target.url, failure)
    } else if (lastFailure.delete(target.url)) {
      deps.logger.info({ target: target.url }, 'scrape recovered')
    }
    const resourceAttributes = [
      ...deps.hostAttributes.filter((a) => !target.resourceAttributes.some((t) => t.key === a.key)),
      ...target.resourceAttributes,
    ]
    if (!resourceAttributes.some((a) => a.key === 'service.name')) resourceAttributes.push(stringAttribute('service.name', target.job))
    if (!resourceAttributes.some((a) => a.key === 'service.instance.id')) resourceAttributes.push(stringAttribute('service.instance.id', new URL(target.url).host))
    resourceAttributes.push(stringAttribute('url.full', target.url))
    const request: MetricsRequest = {
      resourceMetrics: [{ resource: { attributes: resourceAttributes, droppedAttributesCount: 0, entityRefs: [] }, scopeMetrics: [{ scope: SCOPE, metrics, schemaUrl: '' }], schemaUrl: '' }],
    }
    const result: ScrapeResult = { up, durationSeconds, samples, request }
    if (failure) {
      result.failure = failure
      if (detail !== undefined) result.detail = detail
    }
    return result
  }

  async function scrapeAll(): Promise<ScrapeResult[]> {
    const targets = [...deps.targets()]
    deps.metrics.targets.set(targets.length)
    const results: ScrapeResult[] = []
    for (let i = 0; i < targets.length; i += options.concurrency) {
      const slice = await Promise.all(targets.slice(i, i + options.concurrency).map(scrape))
      for (const result of slice) {
        const points = result.request.resourceMetrics[0]!.scopeMetrics[0]!.metrics.length
        deps.counters.received(points)
        if (await deps.emit(result.request, points)) deps.counters.sent(points)
        else deps.counters.dropped(points, 'buffer_full')
      }
      results.push(...slice)
    }
    return results
  }

  function schedule(): void {
    if (stopped) return
    timer = setTimeout(() => {
      running = scrapeAll()
        .catch((error: unknown) => deps.logger.error({ err: error }, 'scrape round failed'))
        .finally(schedule)
    }, options.intervalMs)
  }

  return {
    scrape,
    scrapeAll,
    start: schedule,
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}
