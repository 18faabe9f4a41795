/**
 * The agent in-process (build + start) against the fake collector: the OTLP receiver, the
 * buffer through a collector outage, the sink's handling of 400/429/503, host metrics.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { encodeLogs, encodeTraces, type LogsRequest, type TracesRequest } from '@periscope/model'
import { createLogger } from '@periscope/runtime'
import { build, type Agent } from './app.ts'
import { loadTestAgentConfig } from './testing/agent-config.ts'
import { startFakeCollector, type FakeCollector } from './testing/fake-collector.ts'

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function startAgent(extra: Record<string, unknown> = {}): Promise<{ agent: Agent; collector: FakeCollector; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'agent-int-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  const collector = await startFakeCollector()
  cleanups.push(() => collector.close())
  const { config, hostName, kubernetesApiUrl } = loadTestAgentConfig(dir, collector.url, extra)
  const agent = await build({ config, hostName, kubernetesApiUrl, logger: createLogger({ service: 'agent', level: 'silent' }) })
  await agent.start()
  cleanups.push(() => agent.stop())
  return { agent, collector, dir }
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function metricValue(agent: Agent, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = agent.selfMetrics.registry.getSingleMetric(name)
  if (!metric) return 0
  const data = await metric.get()
  return data.values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((n, v) => n + v.value, 0)
}

/** the value of a series with a single label set in a /metrics body */
function scrapedValue(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
}

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'))

function logsRequest(bodies: string[]): LogsRequest {
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { type: 'string', value: 'shop' } }], droppedAttributesCount: 0, entityRefs: [] },
        scopeLogs: [
          {
            scope: null,
            schemaUrl: '',
            logRecords: bodies.map((body) => ({
              timeUnixNano: 1_700_000_000_000_000_000n,
              observedTimeUnixNano: 0n,
              severityNumber: 9,
              severityText: 'INFO',
              body: { type: 'string', value: body },
              attributes: [],
              droppedAttributesCount: 0,
              flags: 0,
              traceId: new Uint8Array(0),
              spanId: new Uint8Array(0),
              eventName: '',
            })),
          },
        ],
        schemaUrl: '',
      },
    ],
  }
}

const TRACES: TracesRequest = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { type: 'string', value: 'shop' } }], droppedAttributesCount: 0, entityRefs: [] },
      schemaUrl: '',
      scopeSpans: [
        {
          scope: null,
          schemaUrl: '',
          spans: [
            {
              traceId: hex('4bf92f3577b34da6a3ce929d0e0e4736'),
              spanId: hex('00f067aa0ba902b7'),
              traceState: '',
              parentSpanId: new Uint8Array(0),
              flags: 1,
              name: 'GET /cart',
              kind: 2,
              startTimeUnixNano: 1_700_000_000_000_000_000n,
              endTimeUnixNano: 1_700_000_000_250_000_000n,
              attributes: [],
              droppedAttributesCount: 0,
              events: [],
              droppedEventsCount: 0,
              links: [],
              droppedLinksCount: 0,
              status: null,
            },
          ],
        },
      ],
    },
  ],
}

describe('agent: otlp_http receiver → buffer → sink → collector', () => {
  it('accepts protobuf (gzip) and JSON, adds host.name, and forwards as protobuf with the ingest key', async () => {
    const { agent, collector } = await startAgent()
    const proto = await agent.app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
      payload: gzipSync(encodeTraces(TRACES, 'protobuf')),
    })
    expect(proto.statusCode).toBe(200)
    const json = await agent.app.inject({ method: 'POST', url: '/v1/logs', headers: { 'content-type': 'application/json' }, payload: Buffer.from(encodeLogs(logsRequest(['from json']), 'json')) })
    expect(json.statusCode).toBe(200)
    expect(json.headers['content-type']).toContain('application/json')
    await until(() => collector.traces.length === 1 && collector.logs.length === 1)
    const span = collector.traces[0]!.resourceSpans[0]!
    expect(span.scopeSpans[0]!.spans[0]!.name).toBe('GET /cart')
    expect(span.resource!.attributes.find((a) => a.key === 'host.name')?.value).toEqual({ type: 'string', value: 'test-host' })
    expect(span.resource!.attributes.find((a) => a.key === 'service.name')?.value).toEqual({ type: 'string', value: 'shop' })
    expect(collector.logBodies()).toEqual(['from json'])
    expect([...collector.authorizations]).toEqual(['Bearer test-key'])
  })

  it('answers 400 to garbage and 415 to other content types', async () => {
    const { agent } = await startAgent()
    const garbage = await agent.app.inject({ method: 'POST', url: '/v1/logs', headers: { 'content-type': 'application/x-protobuf' }, payload: Buffer.from([0xff, 0xff, 0xff, 0x01]) })
    expect(garbage.statusCode).toBe(400)
    const text = await agent.app.inject({ method: 'POST', url: '/v1/logs', headers: { 'content-type': 'text/plain' }, payload: 'hi' })
    expect(text.statusCode).toBe(415)
  })

  it('answers 503 with Retry-After when the buffer is full, instead of dropping', async () => {
    const { agent, collector } = await startAgent({ buffer: { maxBytes: 1024 * 1024 } })
    await collector.down()
    const body = Buffer.from(encodeLogs(logsRequest(['x'.repeat(120 * 1024)]), 'protobuf'))
    const statuses: number[] = []
    for (let i = 0; i < 15; i++) {
      const response = await agent.app.inject({ method: 'POST', url: '/v1/logs', headers: { 'content-type': 'application/x-protobuf' }, payload: body })
      statuses.push(response.statusCode)
      if (response.statusCode === 503) expect(response.headers['retry-after']).toBe('1')
    }
    // 1 MiB holds eight 120 KiB requests (plus framing); the rest are refused
    expect(statuses.filter((s) => s === 200).length).toBe(8)
    expect(statuses.slice(8).every((s) => s === 503)).toBe(true)
    await collector.up()
    await until(() => collector.logs.length === 8)
  })
})

describe('agent: file_tail through a collector outage', () => {
  it('buffers while the collector is down and delivers every line once it is back', async () => {
    const logDir = await mkdtemp(join(tmpdir(), 'agent-logs-'))
    cleanups.push(() => rm(logDir, { recursive: true, force: true }))
    const path = join(logDir, 'app.log')
    await writeFile(path, '')
    const { agent, collector } = await startAgent({ sources: { fileTail: { enabled: true, include: [join(logDir, '*.log')] } } })
    const line = (i: number) => JSON.stringify({ level: 'info', msg: `line ${i}`, trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' })
    await appendFile(path, Array.from({ length: 100 }, (_, i) => line(i) + '\n').join(''))
    await until(() => collector.logBodies().length === 100)

    // outage: first 503s, then the port closed altogether
    collector.respondWith(503, 0)
    await appendFile(path, Array.from({ length: 500 }, (_, i) => line(100 + i) + '\n').join(''))
    await until(() => (collector.answered.get(503) ?? 0) >= 2)
    await collector.down()
    await appendFile(path, Array.from({ length: 1400 }, (_, i) => line(600 + i) + '\n').join(''))
    await until(() => agent.buffer.stats().unackedEntries > 0 && agent.sink.breakerState !== 'closed')
    await new Promise((r) => setTimeout(r, 300))
    // a scrape shows what the buffer holds at that scrape (the gauge used to lag one scrape)
    let scrape: { held: number; scraped: number | undefined } | undefined
    await until(async () => {
      const held = agent.buffer.stats().unackedBytes
      const scraped = scrapedValue(await agent.selfMetrics.text(), 'periscope_agent_buffer_unacked_bytes')
      // scraped again if the buffer moved meanwhile
      if (agent.buffer.stats().unackedBytes === held) scrape = { held, scraped }
      return scrape !== undefined
    })
    expect(scrape!.held).toBeGreaterThan(0)
    expect(scrape!.scraped).toBe(scrape!.held)
    collector.respondWith(200)
    await collector.up()
    await until(() => collector.logBodies().length >= 2000, 20_000)

    // every line exactly once; batches may arrive out of order (several requests in flight)
    const bodies = collector.logBodies().sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
    expect(bodies).toEqual(Array.from({ length: 2000 }, (_, i) => `line ${i}`))
    const record = collector.logs[0]!.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!
    expect(Buffer.from(record.traceId).toString('hex')).toBe('4bf92f3577b34da6a3ce929d0e0e4736')
    expect(Buffer.from(record.spanId).toString('hex')).toBe('00f067aa0ba902b7')
    expect(record.severityNumber).toBe(9)
    // batches are cut at maxRecords (200)
    expect(Math.max(...collector.logs.map((r) => r.resourceLogs[0]!.scopeLogs[0]!.logRecords.length))).toBeLessThanOrEqual(200)
    // the counter moves once the sink has read the collector's answer, just after the bodies arrived
    await until(async () => (await metricValue(agent, 'periscope_agent_component_sent_items_total', { component: 'sink_otlp_http' })) === 2000)
    expect(await metricValue(agent, 'periscope_agent_component_failed_total', { component: 'sink_otlp_http' })).toBeGreaterThan(0)
    expect(await metricValue(agent, 'periscope_agent_component_dropped_items_total')).toBe(0)
  })

  it('drops and counts a batch the collector rejects with 400, honours 429 Retry-After, and goes on', async () => {
    const { agent, collector } = await startAgent()
    const post = (bodies: string[]) =>
      agent.app.inject({ method: 'POST', url: '/v1/logs', headers: { 'content-type': 'application/x-protobuf' }, payload: Buffer.from(encodeLogs(logsRequest(bodies), 'protobuf')) })
    collector.respondWith(400)
    await post(['rejected a', 'rejected b'])
    await until(() => (collector.answered.get(400) ?? 0) === 1)
    await until(async () => (await metricValue(agent, 'periscope_agent_component_dropped_items_total', { reason: 'bad_request' })) === 2)
    collector.respondWith(429, 1)
    await post(['kept'])
    await until(() => (collector.answered.get(429) ?? 0) === 1)
    const firstRetryAt = Date.now()
    collector.respondWith(200)
    await until(() => collector.logBodies().length === 1)
    // Retry-After: 1 s was honoured (the jittered backoff alone would be ≤ 20 ms)
    expect(Date.now() - firstRetryAt).toBeGreaterThan(700)
    expect(collector.logBodies()).toEqual(['kept'])
    expect(collector.answered.get(400)).toBe(1)
  })
})

describe('agent: host_metrics and operational routes', () => {
  it('ships host metrics and serves /metrics, /healthz and /readyz', async () => {
    const { agent, collector } = await startAgent({ sources: { hostMetrics: { enabled: true, intervalMs: 100 } } })
    await until(() => collector.metrics.some((m) => m.resourceMetrics[0]!.scopeMetrics[0]!.metrics.some((x) => x.name === 'system.cpu.utilization')))
    const resource = collector.metrics[0]!.resourceMetrics[0]!.resource!
    expect(resource.attributes.find((a) => a.key === 'host.name')?.value).toEqual({ type: 'string', value: 'test-host' })
    expect((await agent.app.inject({ url: '/healthz' })).statusCode).toBe(200)
    expect((await agent.app.inject({ url: '/readyz' })).statusCode).toBe(200)
    const metrics = await agent.app.inject({ url: '/metrics' })
    expect(metrics.body).toContain('periscope_agent_component_sent_items_total{component="source_host_metrics"')
  })
})
