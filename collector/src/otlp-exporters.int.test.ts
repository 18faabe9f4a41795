/**
 * End to end through a listening collector: the official OpenTelemetry JS exporters (OTLP/HTTP
 * JSON and protobuf, with and without gzip) send what a real SDK made; the collector writes to a
 * real bus (the local log, and Kafka on the test broker); the records read back from the bus
 * decode to the same data the SDK emitted.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { HrTime } from '@opentelemetry/api'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { decodeLogs, decodeMetrics, decodeTraces, type AnyValue, type KeyValue, type LogsRequest, type MetricsRequest, type TracesRequest } from '@periscope/model'
import { HEADERS, TOPICS, openBus, type Bus, type BusConfig, type ConsumedRecord, type Consumer } from '@periscope/pipeline'
import { createLogger, createSelfMetrics } from '@periscope/runtime'
import { build } from './app.ts'
import { TEST_CONFIG } from './testing/app-harness.ts'
import { ExportResultCode, exportLogs, exportMetrics, exportSpans, sdkLogs, sdkMetrics, sdkSpans, type Target } from './testing/sdk-telemetry.ts'
import { generateApiKey } from './tenants/api-key.ts'
import { createMemoryApiKeySource, createTenantResolver } from './tenants/tenant-resolver.ts'

const logger = createLogger({ service: 'collector-int', level: 'silent' })

/** Plain JS values of OTLP attributes, to compare with what the SDK was given. */
function plain(value: AnyValue): unknown {
  switch (value.type) {
    case 'int':
      return Number(value.value)
    case 'array':
      return value.value.map(plain)
    case 'kvlist':
      return attributes(value.value)
    case 'empty':
      return undefined
    default:
      return value.value
  }
}

function attributes(list: KeyValue[]): Record<string, unknown> {
  return Object.fromEntries(list.map((kv) => [kv.key, plain(kv.value)]))
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
/** exact: core's hrTimeToNanoseconds goes through a float */
const nanos = (time: HrTime) => BigInt(time[0]) * 1_000_000_000n + BigInt(time[1])

interface Harness {
  bus: Bus
  consumer: Consumer
  received: { topic: string; record: ConsumedRecord }[]
  target: Target
  tenantId: string
  close(): Promise<void>
}

async function start(busConfig: BusConfig): Promise<Harness> {
  const tenantId = `exporters-${randomUUID()}`
  const bus = await openBus(busConfig, { logger })
  await bus.ensureTopics(Object.values(TOPICS))
  const received: Harness['received'] = []
  const consumer = await bus.consume({
    groupId: `collector-int-${randomUUID()}`,
    topics: Object.values(TOPICS),
    async eachBatch(batch) {
      // the topics are shared with other test files: keep only this run's tenant
      for (const record of batch.records) if (record.headers[HEADERS.tenant] === tenantId) received.push({ topic: batch.topic, record })
    },
  })
  const key = generateApiKey()
  const app = await build({
    config: TEST_CONFIG,
    logger,
    bus,
    tenants: createTenantResolver({
      source: createMemoryApiKeySource([{ keyId: key.keyId, tenantId, keyHash: key.keyHash, revoked: false }]),
      nowMs: Date.now,
    }),
    metrics: createSelfMetrics({ service: 'collector-int', defaultMetrics: false }),
  })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  return {
    bus,
    consumer,
    received,
    tenantId,
    target: { baseUrl: address, key: key.plaintext },
    async close() {
      await app.close()
      await consumer.stop()
      await bus.close()
    },
  }
}

/** Waits (bounded) until the records of `topic` hold `count` items by `itemsOf`. */
async function recordsOf<T>(h: Harness, topic: string, decode: (value: Buffer) => T, itemsOf: (request: T) => number, count: number): Promise<{ key: Buffer | null; request: T }[]> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const mine = h.received.filter((r) => r.topic === topic).map((r) => r.record)
    const decoded = mine.map((r) => {
      expect(r.headers[HEADERS.signal]).toBe(topic.slice('otlp.'.length))
      expect(r.headers[HEADERS.schemaVersion]).toBe('1')
      return { key: r.key, request: decode(r.value) }
    })
    const items = decoded.reduce((n, d) => n + itemsOf(d.request), 0)
    if (items >= count) {
      expect(items).toBe(count)
      return decoded
    }
    if (Date.now() > deadline) throw new Error(`only ${items} of ${count} items arrived on ${topic}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!result.ok) throw result.error
  return result.value
}

const buses: [string, () => BusConfig][] = [
  ['local log', () => ({ kind: 'local', dir: mkdtempSync(join(tmpdir(), 'collector-int-bus-')) })],
  ['kafka', () => ({ kind: 'kafka', brokers: inject('kafkaBrokers').split(','), clientId: 'collector-int' })],
]

describe.each(buses)('official OTLP exporters → collector → %s bus', (_name, busConfig) => {
  let h: Harness
  let config: BusConfig
  beforeAll(async () => {
    config = busConfig()
    h = await start(config)
  })
  afterAll(async () => {
    await h?.close()
    if (config?.kind === 'local') rmSync(config.dir, { recursive: true, force: true })
  })

  it("traces: JSON, protobuf and protobuf+gzip exports arrive as records per partition, each trace on its key's partition", async () => {
    const spans = sdkSpans()
    expect(spans).toHaveLength(3)
    for (const [encoding, gzip] of [['json', false], ['protobuf', false], ['protobuf', true]] as const) {
      const result = await exportSpans(encoding, { ...h.target, gzip }, spans)
      expect(result.code, `${encoding}${gzip ? '+gzip' : ''}: ${result.error?.message}`).toBe(ExportResultCode.SUCCESS)
    }
    const records = await recordsOf(h, TOPICS.traces, (v) => unwrap(decodeTraces(v, 'protobuf')), (r: TracesRequest) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)).length, 3 * spans.length)

    const partitioner = await h.bus.partitioner!(TOPICS.traces)
    expect(partitioner).not.toBeNull()
    const seen = new Map<string, number>()
    for (const { key, request } of records) {
      // keyed by one of its traces; every trace in it goes where that key goes
      const traceIds = request.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => hex(s.traceId))))
      expect(traceIds).toContain(key?.toString())
      for (const traceId of traceIds) expect(partitioner!.partitionOf(Buffer.from(traceId))).toBe(partitioner!.partitionOf(key!))
      const rs = request.resourceSpans[0]!
      expect(attributes(rs.resource!.attributes)).toMatchObject({ 'service.name': 'checkout', 'service.version': '1.2.3', 'host.cores': 2 })
      expect(rs.scopeSpans[0]!.scope).toMatchObject({ name: 'collector-test', version: '0.1.0' })
      for (const s of rs.scopeSpans.flatMap((ss) => ss.spans)) {
        const sdk = spans.find((x) => x.spanContext().spanId === hex(s.spanId))!
        expect(sdk).toBeDefined()
        expect(hex(s.traceId)).toBe(sdk.spanContext().traceId)
        expect(s.parentSpanId.length === 0 ? undefined : hex(s.parentSpanId)).toBe(sdk.parentSpanContext?.spanId)
        expect(s.name).toBe(sdk.name)
        expect(s.kind).toBe(sdk.kind + 1) // the API's enum starts at INTERNAL = 0, OTLP's at UNSPECIFIED = 0
        expect(s.startTimeUnixNano).toBe(nanos(sdk.startTime))
        expect(s.endTimeUnixNano).toBe(nanos(sdk.endTime))
        expect(attributes(s.attributes)).toEqual(sdk.attributes)
        expect(s.events.map((e) => [e.name, attributes(e.attributes)])).toEqual(sdk.events.map((e) => [e.name, e.attributes ?? {}]))
        expect(s.status?.code ?? 0).toBe(sdk.status.code)
        seen.set(sdk.spanContext().spanId, (seen.get(sdk.spanContext().spanId) ?? 0) + 1)
      }
    }
    // every span once per export, nothing else
    expect([...seen.values()]).toEqual(spans.map(() => 3))
  })

  it('logs and metrics: both exporters arrive with their bodies, severities and values', async () => {
    const logs = sdkLogs()
    const metrics = await sdkMetrics()
    expect(logs).toHaveLength(2)
    expect(metrics.scopeMetrics[0]!.metrics).toHaveLength(2)
    for (const encoding of ['json', 'protobuf'] as const) {
      expect((await exportLogs(encoding, h.target, logs)).code).toBe(ExportResultCode.SUCCESS)
      expect((await exportMetrics(encoding, h.target, metrics)).code).toBe(ExportResultCode.SUCCESS)
    }
    const logRecords = await recordsOf(h, TOPICS.logs, (v) => unwrap(decodeLogs(v, 'protobuf')), (r: LogsRequest) => r.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords)).length, 2 * logs.length)
    for (const { key, request } of logRecords) {
      expect(key).toBeNull()
      const got = request.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords))
      expect(got.map((r) => [r.body && plain(r.body), r.severityNumber, r.severityText, attributes(r.attributes), r.timeUnixNano])).toEqual(
        logs.map((l) => [l.body, l.severityNumber, l.severityText, l.attributes, nanos(l.hrTime)]),
      )
    }

    const points = (r: MetricsRequest) => r.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)).reduce((n, m) => n + (m.data.type === 'none' ? 0 : m.data.dataPoints.length), 0)
    const metricRecords = await recordsOf(h, TOPICS.metrics, (v) => unwrap(decodeMetrics(v, 'protobuf')), points, 4)
    for (const { request } of metricRecords) {
      const byName = new Map(request.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)).map((m) => [m.name, m]))
      const counter = byName.get('orders_total')!.data
      expect(counter.type).toBe('sum')
      if (counter.type === 'sum') {
        expect(counter.isMonotonic).toBe(true)
        expect(counter.dataPoints[0]!.value).toMatchObject({ value: 3 })
        expect(attributes(counter.dataPoints[0]!.attributes)).toEqual({ region: 'eu' })
      }
      const histogram = byName.get('checkout_duration_ms')!.data
      expect(histogram.type).toBe('histogram')
      if (histogram.type === 'histogram') {
        expect(histogram.dataPoints[0]!.count).toBe(1n)
        expect(histogram.dataPoints[0]!.sum).toBe(12.5)
      }
    }
  })
})
