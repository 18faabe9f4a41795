/**
 * prometheus_scrape against real HTTP endpoints on loopback: a prom-client registry (the library
 * our services use), and slow, failing, garbage and oversized targets; Kubernetes pod discovery
 * against a local fake API server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Counter, Histogram, Registry, Summary } from 'prom-client'
import type { Metric, MetricsRequest } from '@periscope/model'
import { createLogger, createSelfMetrics } from '@periscope/runtime'
import { createAgentMetrics } from '../../agent-metrics.ts'
import { stringAttribute } from '../../transforms/any-value.ts'
import { createKubernetesDiscovery } from './kubernetes-discovery.ts'
import { staticScrapeTargets } from './static-targets.ts'
import { createScraper, type ScrapeTarget } from './scraper.ts'

const servers: Server[] = []
let base = ''
let apiBase = ''
let apiRequests: Array<{ url: string; authorization: string | undefined }> = []

beforeAll(async () => {
  const registry = new Registry()
  const requests = new Counter({ name: 'http_requests_total', help: 'Requests', labelNames: ['route', 'code'], registers: [registry] })
  const latency = new Histogram({ name: 'http_request_duration_seconds', help: 'Latency', labelNames: ['route'], buckets: [0.1, 0.5, 1], registers: [registry] })
  const sizes = new Summary({ name: 'response_size_bytes', help: 'Sizes', percentiles: [0.5, 0.9], registers: [registry] })
  requests.inc({ route: '/cart', code: '200' }, 7)
  requests.inc({ route: '/pay', code: '500' }, 2)
  for (const v of [0.05, 0.2, 0.3, 0.7, 2]) latency.observe({ route: '/cart' }, v)
  for (let i = 1; i <= 10; i++) sizes.observe(i * 100)

  const server = createServer((request, response) => {
    switch (request.url) {
      case '/metrics':
        void registry.metrics().then((text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text))
        return
      case '/slow':
        // answers long after any timeout; closed by afterAll
        setTimeout(() => response.writeHead(200).end('up_slow 1\n'), 60_000).unref()
        return
      case '/fail':
        response.writeHead(500).end('boom')
        return
      case '/garbage':
        response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>hello</body></html>')
        return
      case '/huge':
        response.writeHead(200).end(`big_metric{label="${'x'.repeat(200_000)}"} 1\n`)
        return
      default:
        response.writeHead(404).end()
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  servers.push(server)
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const api = createServer((request, response) => {
    apiRequests.push({ url: request.url ?? '', authorization: request.headers.authorization })
    const pod = (name: string, annotations: Record<string, string>, phase = 'Running', ip = '10.1.2.3') => ({
      metadata: { name, namespace: 'shop', uid: `uid-${name}`, annotations, labels: { 'app.kubernetes.io/name': name.split('-')[0] } },
      spec: { containers: [{ ports: [{ containerPort: 8080 }] }] },
      status: { phase, podIP: ip },
    })
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        items: [
          pod('cart-1', { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9464', 'prometheus.io/path': 'stats' }),
          pod('pay-1', { 'prometheus.io/scrape': 'true' }),
          pod('web-1', { 'prometheus.io/scrape': 'true', 'prometheus.io/scheme': 'https' }, 'Pending'),
          pod('db-1', {}),
        ],
      }),
    )
  })
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r))
  servers.push(api)
  apiBase = `http://127.0.0.1:${(api.address() as AddressInfo).port}`
})

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  }
})

function setup(targets: ScrapeTarget[]) {
  const self = createSelfMetrics({ service: 'agent-test', defaultMetrics: false })
  const metrics = createAgentMetrics(self)
  const emitted: MetricsRequest[] = []
  const scraper = createScraper(
    { intervalMs: 1000, timeoutMs: 2000, maxBodyBytes: 100_000, concurrency: 5 },
    {
      targets: () => targets,
      emit: async (request) => {
        emitted.push(request)
        return true
      },
      hostAttributes: [stringAttribute('host.name', 'test-host')],
      logger: createLogger({ service: 'agent-test', level: 'silent' }),
      counters: metrics.component('source_prometheus_scrape'),
      metrics: metrics.scrape,
    },
  )
  return { scraper, emitted, metrics }
}

const target = (path: string): ScrapeTarget => ({ url: `${base}${path}`, job: `job${path.replace('/', '-')}`, resourceAttributes: [] })
const find = (metrics: Metric[], name: string) => metrics.find((m) => m.name === name)
const gaugeValue = (metrics: Metric[], name: string) => {
  const m = find(metrics, name)
  return m?.data.type === 'gauge' ? Number(m.data.dataPoints[0]!.value!.value) : undefined
}

describe('prometheus_scrape', () => {
  it('scrapes a prom-client endpoint into OTLP counters, histograms and summaries with up = 1', async () => {
    const { scraper } = setup([])
    const result = await scraper.scrape(target('/metrics'))
    expect(result.up).toBe(true)
    const metrics = result.request.resourceMetrics[0]!.scopeMetrics[0]!.metrics
    const counter = find(metrics, 'http_requests_total')!
    expect(counter.data.type).toBe('sum')
    if (counter.data.type !== 'sum') return
    const byRoute = new Map(counter.data.dataPoints.map((p) => [p.attributes.find((a) => a.key === 'route')!.value.type === 'string' ? (p.attributes.find((a) => a.key === 'route')!.value as { value: string }).value : '', Number(p.value!.value)]))
    expect(byRoute).toEqual(new Map([['/cart', 7], ['/pay', 2]]))
    const histogram = find(metrics, 'http_request_duration_seconds')!
    if (histogram.data.type !== 'histogram') throw new Error('histogram expected')
    // observations 0.05 0.2 0.3 0.7 2 into bounds 0.1 0.5 1: 1, 2, 1, and 1 above
    expect(histogram.data.dataPoints[0]).toMatchObject({ explicitBounds: [0.1, 0.5, 1], bucketCounts: [1n, 2n, 1n, 1n], count: 5n })
    expect(histogram.data.dataPoints[0]!.sum).toBeCloseTo(3.25, 10)
    const summary = find(metrics, 'response_size_bytes')!
    if (summary.data.type !== 'summary') throw new Error('summary expected')
    expect(summary.data.dataPoints[0]).toMatchObject({ count: 10n, sum: 5500 })
    expect(summary.data.dataPoints[0]!.quantileValues.map((q) => q.quantile)).toEqual([0.5, 0.9])
    expect(gaugeValue(metrics, 'up')).toBe(1)
    expect(gaugeValue(metrics, 'scrape_duration_seconds')).toBeGreaterThan(0)
    expect(gaugeValue(metrics, 'scrape_samples_scraped')).toBeGreaterThan(10)
    const resource = result.request.resourceMetrics[0]!.resource!.attributes
    expect(resource.find((a) => a.key === 'service.name')!.value).toEqual({ type: 'string', value: 'job-metrics' })
    expect(resource.find((a) => a.key === 'host.name')!.value).toEqual({ type: 'string', value: 'test-host' })
  })

  it('applies the configured resource attributes of a static target to the scraped metrics', async () => {
    const { scraper } = setup([])
    const [configured] = staticScrapeTargets([{ url: `${base}/metrics`, job: 'periscope-ingest', resourceAttributes: { 'service.namespace': 'periscope', 'host.name': 'override' } }])
    const result = await scraper.scrape(configured!)
    expect(result.up).toBe(true)
    const resource = Object.fromEntries(result.request.resourceMetrics[0]!.resource!.attributes.map((a) => [a.key, (a.value as { value: unknown }).value]))
    expect(resource).toMatchObject({ 'service.name': 'periscope-ingest', 'service.namespace': 'periscope', 'host.name': 'override' })
  })

  it('reports slow, failing, garbage, oversized and unreachable targets as up = 0, counted by reason', async () => {
    const targets = [target('/slow'), target('/fail'), target('/garbage'), target('/huge'), { url: 'http://127.0.0.1:1/metrics', job: 'closed', resourceAttributes: [] }]
    const { scraper, emitted, metrics } = setup(targets)
    const started = Date.now()
    const results = await scraper.scrapeAll()
    // the slow target was cut at the 2 s timeout, not waited for (60 s)
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(results[0]!.durationSeconds).toBeGreaterThanOrEqual(1.9)
    expect(results.map((r) => [r.up, r.failure])).toEqual([
      [false, 'timeout'],
      [false, 'http_status'],
      [false, 'parse_error'],
      [false, 'too_large'],
      [false, 'network'],
    ])
    expect(emitted).toHaveLength(5)
    for (const request of emitted) {
      const ms = request.resourceMetrics[0]!.scopeMetrics[0]!.metrics
      expect(gaugeValue(ms, 'up')).toBe(0)
      expect(gaugeValue(ms, 'scrape_duration_seconds')).toBeGreaterThanOrEqual(0)
    }
    const failures = await metrics.scrape.failures.get()
    expect(Object.fromEntries(failures.values.map((v) => [v.labels['reason'], v.value]))).toEqual({ timeout: 1, http_status: 1, parse_error: 1, too_large: 1, network: 1 })
  })
})

describe('Kubernetes pod discovery', () => {
  it('lists the pods of this node and turns annotated, running ones into targets', async () => {
    apiRequests = []
    const discovery = createKubernetesDiscovery(
      { apiUrl: apiBase, nodeName: 'node-a', token: async () => 'sa-token', timeoutMs: 1000 },
      createLogger({ service: 'agent-test', level: 'silent' }),
    )
    const targets = await discovery.refresh()
    expect(apiRequests).toEqual([{ url: '/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-a', authorization: 'Bearer sa-token' }])
    expect(targets.map((t) => t.url)).toEqual(['http://10.1.2.3:9464/stats', 'http://10.1.2.3:8080/metrics'])
    const attributes = Object.fromEntries(targets[0]!.resourceAttributes.map((a) => [a.key, (a.value as { value: string }).value]))
    expect(attributes).toEqual({ 'service.name': 'cart', 'k8s.namespace.name': 'shop', 'k8s.pod.name': 'cart-1', 'k8s.pod.uid': 'uid-cart-1', 'k8s.node.name': 'node-a' })
  })

  it('keeps the previous targets when the API server fails', async () => {
    const discovery = createKubernetesDiscovery(
      { apiUrl: apiBase, nodeName: 'node-a', token: async () => undefined, timeoutMs: 1000 },
      createLogger({ service: 'agent-test', level: 'silent' }),
    )
    expect(await discovery.refresh()).toHaveLength(2)
    const broken = createKubernetesDiscovery({ apiUrl: 'http://127.0.0.1:1', nodeName: 'node-a', token: async () => undefined, timeoutMs: 500 }, createLogger({ service: 't', level: 'silent' }))
    expect(await broken.refresh()).toEqual([])
    expect(discovery.targets()).toHaveLength(2)
  })
})
