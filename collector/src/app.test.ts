import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeLogs, decodeMetrics, encodeLogs, encodeMetrics, decodeTraces, encodeTraces, type Span } from '@periscope/model'
import { HEADERS, TOPICS } from '@periscope/pipeline'
import { createHarness, TEST_CONFIG, type Harness } from './testing/app-harness.ts'
import { gzipBomb } from './testing/gzip-bomb.ts'
import { createMemoryBus } from './testing/memory-bus.ts'
import { bytesOf, gauge, logRecord, logs, metrics, numberPoint, span, str, traces } from './testing/otlp-fixtures.ts'
import { readExportResponse, readRpcStatus } from './testing/pb-fields.ts'

const PB = 'application/x-protobuf'
const JSON_TYPE = 'application/json'

let h: Harness
afterEach(async () => {
  await h?.app.close()
})

function traceId(n: number): Uint8Array {
  return bytesOf(n.toString(16).padStart(32, '0'))
}

function spanOf(trace: number, id: number, overrides: Partial<Span> = {}): Span {
  return span({ traceId: traceId(trace), spanId: bytesOf(id.toString(16).padStart(16, '0')), ...overrides })
}

async function post(body: Uint8Array | string, headers: Record<string, string>, path = '/v1/traces') {
  return h.app.inject({ method: 'POST', url: path, payload: typeof body === 'string' ? body : Buffer.from(body), headers })
}

function auth(tenant = 't1'): Record<string, string> {
  return { authorization: `Bearer ${h.keyOf[tenant]}` }
}

describe('OTLP/HTTP traces', () => {
  it('accepts protobuf, regroups spans by trace and answers 200 only after the bus has them', async () => {
    h = await createHarness()
    const spans = [spanOf(1, 1), spanOf(2, 2), spanOf(1, 3), spanOf(3, 4)]
    const res = await post(encodeTraces(traces(spans), 'protobuf'), { ...auth(), 'content-type': PB })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe(PB)
    expect(readExportResponse(res.rawPayload)).toEqual({ rejected: 0, message: '' })

    const records = h.bus.records(TOPICS.traces)
    expect(records.map((r) => r.key?.toString())).toEqual([
      '00000000000000000000000000000001',
      '00000000000000000000000000000002',
      '00000000000000000000000000000003',
    ])
    for (const r of records) {
      expect(r.headers).toEqual({ [HEADERS.tenant]: 't1', [HEADERS.signal]: 'traces', [HEADERS.schemaVersion]: '1' })
    }
    const first = decodeTraces(records[0]!.value, 'protobuf')
    if (!first.ok) throw first.error
    const firstSpans = first.value.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))
    expect(firstSpans.map((s) => Buffer.from(s.spanId).toString('hex'))).toEqual(['0000000000000001', '0000000000000003'])
    expect(first.value.resourceSpans[0]!.resource!.attributes).toEqual([str('service.name', 'shop')])
    expect(first.value.resourceSpans[0]!.scopeSpans[0]!.scope!.name).toBe('test')
  })

  it("with the bus's partitioner, writes one record per destination partition, keyed by its first trace", async () => {
    // the memory bus's partitioner: last hex digit of the key modulo 2 → traces 1, 3 on partition 1; 2, 4 on 0
    h = await createHarness({ bus: createMemoryBus({ partitions: 2 }) })
    const spans = [spanOf(1, 1), spanOf(2, 2), spanOf(3, 3), spanOf(1, 4), spanOf(4, 5), spanOf(3, 6)]
    for (const contentType of [PB, 'application/json']) {
      const before = h.bus.records(TOPICS.traces).length
      const body = contentType === PB ? encodeTraces(traces(spans), 'protobuf') : encodeTraces(traces(spans), 'json')
      const res = await post(body, { ...auth(), 'content-type': contentType })
      expect(res.statusCode).toBe(200)
      const records = h.bus.records(TOPICS.traces).slice(before)
      expect(records.map((r) => r.key?.toString())).toEqual(['00000000000000000000000000000001', '00000000000000000000000000000002'])
      const spanIds = records.map((r) => {
        const decoded = decodeTraces(r.value, 'protobuf')
        if (!decoded.ok) throw decoded.error
        expect(decoded.value.resourceSpans).toHaveLength(1)
        expect(decoded.value.resourceSpans[0]!.resource!.attributes).toEqual([str('service.name', 'shop')])
        return decoded.value.resourceSpans[0]!.scopeSpans.flatMap((ss) => ss.spans.map((s) => Buffer.from(s.spanId).toString('hex').replace(/^0+/, '')))
      })
      expect(spanIds).toEqual([
        ['1', '3', '4', '6'],
        ['2', '5'],
      ])
    }
  })

  it('accepts OTLP/JSON and answers in JSON', async () => {
    h = await createHarness()
    const res = await post(encodeTraces(traces([spanOf(7, 1)]), 'json'), { ...auth(), 'content-type': 'application/json; charset=utf-8' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe(JSON_TYPE)
    expect(JSON.parse(res.payload)).toEqual({})
    expect(h.bus.records(TOPICS.traces)).toHaveLength(1)
  })

  it('inflates gzip bodies', async () => {
    h = await createHarness()
    const res = await post(gzipSync(encodeTraces(traces([spanOf(1, 1)]), 'protobuf')), { ...auth(), 'content-type': PB, 'content-encoding': 'gzip' })
    expect(res.statusCode).toBe(200)
    expect(h.bus.records(TOPICS.traces)).toHaveLength(1)
  })

  it('answers partial success for invalid items and sends only the valid ones', async () => {
    h = await createHarness()
    const spans = [spanOf(1, 1), spanOf(1, 2, { traceId: new Uint8Array(16) }), spanOf(2, 3, { spanId: new Uint8Array(4) })]
    const res = await post(encodeTraces(traces(spans), 'protobuf'), { ...auth(), 'content-type': PB })
    expect(res.statusCode).toBe(200)
    const partial = readExportResponse(res.rawPayload)
    expect(partial.rejected).toBe(2)
    expect(partial.message).toContain('1 invalid_trace_id, 1 invalid_span_id')
    expect(h.bus.records(TOPICS.traces).map((r) => r.key?.toString())).toEqual(['00000000000000000000000000000001'])

    const json = await post(encodeTraces(traces(spans), 'json'), { ...auth(), 'content-type': JSON_TYPE })
    const body = JSON.parse(json.payload) as { partialSuccess: { rejectedSpans: string | number; errorMessage: string } }
    expect(Number(body.partialSuccess.rejectedSpans)).toBe(2)
  })

  it('splits a trace over records of at most the record limit, and rejects a span that cannot fit', async () => {
    h = await createHarness({ maxRecordBytes: 4096 })
    const big = (id: number) => spanOf(1, id, { attributes: [str('blob', 'x'.repeat(1500))] })
    const huge = spanOf(2, 99, { attributes: Array.from({ length: 10 }, (_, i) => str(`k${i}`, 'y'.repeat(1000))) })
    const res = await post(encodeTraces(traces([big(1), big(2), big(3), big(4), big(5), huge]), 'protobuf'), { ...auth(), 'content-type': PB })
    expect(res.statusCode).toBe(200)
    expect(readExportResponse(res.rawPayload).rejected).toBe(1)
    const records = h.bus.records(TOPICS.traces)
    expect(records.length).toBeGreaterThan(1)
    let spans = 0
    for (const r of records) {
      expect(r.value.length).toBeLessThanOrEqual(4096)
      expect(r.key?.toString()).toBe('00000000000000000000000000000001')
      const d = decodeTraces(r.value, 'protobuf')
      if (!d.ok) throw d.error
      spans += d.value.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)).length
    }
    expect(spans).toBe(5)
  })
})

describe('OTLP/HTTP logs and metrics', () => {
  it('accepts logs in both encodings as unkeyed records, with partial success', async () => {
    h = await createHarness()
    const req = logs([logRecord({ body: { type: 'string', value: 'one' } }), logRecord({ timeUnixNano: 0n, observedTimeUnixNano: 0n }), logRecord({ body: { type: 'string', value: 'two' } })])
    const res = await post(encodeLogs(req, 'protobuf'), { ...auth(), 'content-type': PB }, '/v1/logs')
    expect(res.statusCode).toBe(200)
    expect(readExportResponse(res.rawPayload).rejected).toBe(1)
    const json = await post(encodeLogs(logs([logRecord()]), 'json'), { ...auth(), 'content-type': JSON_TYPE }, '/v1/logs')
    expect(json.statusCode).toBe(200)
    const records = h.bus.records(TOPICS.logs)
    expect(records).toHaveLength(2)
    expect(records[0]!.key).toBeNull()
    expect(records[0]!.headers[HEADERS.signal]).toBe('logs')
    const decoded = decodeLogs(records[0]!.value, 'protobuf')
    if (!decoded.ok) throw decoded.error
    expect(decoded.value.resourceLogs[0]!.scopeLogs[0]!.logRecords.map((r) => r.body)).toEqual([
      { type: 'string', value: 'one' },
      { type: 'string', value: 'two' },
    ])
  })

  it('accepts metrics and counts data points as items', async () => {
    h = await createHarness()
    const req = metrics([gauge('cpu', [numberPoint(), numberPoint({ value: { type: 'double', value: 2 } })]), gauge('', [numberPoint()])])
    const res = await post(encodeMetrics(req, 'protobuf'), { ...auth(), 'content-type': PB }, '/v1/metrics')
    expect(res.statusCode).toBe(200)
    expect(readExportResponse(res.rawPayload)).toMatchObject({ rejected: 1 })
    const records = h.bus.records(TOPICS.metrics)
    expect(records).toHaveLength(1)
    const decoded = decodeMetrics(records[0]!.value, 'protobuf')
    if (!decoded.ok) throw decoded.error
    const sent = decoded.value.resourceMetrics[0]!.scopeMetrics[0]!.metrics
    expect(sent.map((m) => m.name)).toEqual(['cpu'])
    expect(sent[0]!.data.type === 'gauge' && sent[0]!.data.dataPoints.length).toBe(2)
  })
})

describe('refusals', () => {
  it('401 without a key, with an unknown key, and with a revoked one', async () => {
    h = await createHarness()
    const body = encodeTraces(traces([spanOf(1, 1)]), 'protobuf')
    const none = await post(body, { 'content-type': PB })
    expect(none.statusCode).toBe(401)
    expect(readRpcStatus(none.rawPayload)).toMatchObject({ code: 16 })
    expect((await post(body, { 'content-type': PB, authorization: 'Bearer psk_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).statusCode).toBe(401)
    expect((await post(body, { 'content-type': PB, authorization: 'Basic dXNlcjpwYXNz' })).statusCode).toBe(401)

    const keyId = /^psk_([0-9a-f]{16})_/.exec(h.keyOf.t1!)![1]!
    expect((await post(body, { ...auth(), 'content-type': PB })).statusCode).toBe(200)
    h.keys.revoke(keyId)
    h.clock.advance(30_000)
    const revoked = await post(body, { ...auth(), 'content-type': PB })
    expect(revoked.statusCode).toBe(401)
    expect(readRpcStatus(revoked.rawPayload).message).toContain('revoked')
    expect(h.bus.records(TOPICS.traces)).toHaveLength(1)
  })

  it('400 with a google.rpc.Status for malformed bodies, in the request encoding', async () => {
    h = await createHarness()
    const pb = await post(Buffer.from([0x0a, 0xff, 0xff, 0xff]), { ...auth(), 'content-type': PB })
    expect(pb.statusCode).toBe(400)
    expect(pb.headers['content-type']).toBe(PB)
    expect(readRpcStatus(pb.rawPayload)).toMatchObject({ code: 3 })
    expect(readRpcStatus(pb.rawPayload).message).toMatch(/malformed/)

    const json = await post('{"resourceSpans": [', { ...auth(), 'content-type': JSON_TYPE })
    expect(json.statusCode).toBe(400)
    expect(json.headers['content-type']).toBe(JSON_TYPE)
    expect(JSON.parse(json.payload)).toMatchObject({ code: 3 })

    const badGzip = await post(Buffer.from('not gzip'), { ...auth(), 'content-type': PB, 'content-encoding': 'gzip' })
    expect(badGzip.statusCode).toBe(400)
  })

  it('415 for other content types and encodings', async () => {
    h = await createHarness()
    const text = await post('hello', { ...auth(), 'content-type': 'text/plain' })
    expect(text.statusCode).toBe(415)
    expect(JSON.parse(text.payload)).toMatchObject({ code: 3 })
    const br = await post(encodeTraces(traces([spanOf(1, 1)]), 'protobuf'), { ...auth(), 'content-type': PB, 'content-encoding': 'br' })
    expect(br.statusCode).toBe(415)
  })

  it('413 over the body limit on the wire, and after inflation without allocating the bomb', async () => {
    h = await createHarness()
    const tooBig = await post(Buffer.alloc((4 << 20) + 1), { ...auth(), 'content-type': PB })
    expect(tooBig.statusCode).toBe(413)
    expect(readRpcStatus(tooBig.rawPayload).code).toBe(3)

    const bomb = gzipBomb(1 << 30)
    const rss0 = process.memoryUsage().rss
    const res = await post(bomb, { ...auth(), 'content-type': PB, 'content-encoding': 'gzip' })
    expect(res.statusCode).toBe(413)
    expect(readRpcStatus(res.rawPayload).message).toMatch(/inflates to more than/)
    expect(process.memoryUsage().rss - rss0).toBeLessThan(128 << 20)
  })

  it('429 with Retry-After over the tenant rate, without slowing another tenant', async () => {
    h = await createHarness({
      config: { limits: { defaults: { bytesPerSecond: 1e9, itemsPerSecond: 10, burstSeconds: 1 }, tenants: { t2: { bytesPerSecond: 1e9, itemsPerSecond: 1000, burstSeconds: 1 } }, maxTrackedTenants: 10 } },
    })
    const body = encodeTraces(traces(Array.from({ length: 8 }, (_, i) => spanOf(1, i + 1))), 'protobuf')
    expect((await post(body, { ...auth('t1'), 'content-type': PB })).statusCode).toBe(200)
    const limited = await post(body, { ...auth('t1'), 'content-type': PB })
    expect(limited.statusCode).toBe(429)
    // 2 items left, 8 wanted: 6 items at 10/s = 600 ms → 1 s
    expect(limited.headers['retry-after']).toBe('1')
    expect(readRpcStatus(limited.rawPayload).code).toBe(8)
    for (let i = 0; i < 5; i++) expect((await post(body, { ...auth('t2'), 'content-type': PB })).statusCode).toBe(200)
    h.clock.advance(600)
    expect((await post(body, { ...auth('t1'), 'content-type': PB })).statusCode).toBe(200)
  })

  it('503 with Retry-After when the bus cannot accept, and nothing acknowledged', async () => {
    h = await createHarness()
    h.bus.respondWith({ status: 'retryable', retryAfterMs: 2500, error: new Error('broker down') })
    const body = encodeTraces(traces([spanOf(1, 1), spanOf(2, 2)]), 'protobuf')
    const res = await post(body, { ...auth(), 'content-type': PB })
    expect(res.statusCode).toBe(503)
    expect(res.headers['retry-after']).toBe('3')
    expect(readRpcStatus(res.rawPayload).code).toBe(14)
    h.bus.respondWith({ status: 'failure', error: new Error('record too large') })
    const failed = await post(body, { ...auth(), 'content-type': PB })
    expect(failed.statusCode).toBe(503)
    expect(failed.headers['retry-after']).toBe('1')
    expect(h.bus.records(TOPICS.traces)).toHaveLength(0)
  })

  it('503 when the bytes held by requests in flight are at the limit', async () => {
    h = await createHarness({ config: { http: { ...TEST_CONFIG.http, maxInflightBytes: 2048 } } })
    let release: () => void = () => {}
    let started: () => void = () => {}
    const sendStarted = new Promise<void>((resolve) => (started = resolve))
    h.bus.respondWith(() => {
      started()
      return new Promise((resolve) => (release = () => resolve({ status: 'success' })))
    })
    // ~1.6 KB each: one fits under 2048 bytes in flight, two do not
    const body = encodeTraces(traces([spanOf(1, 1, { attributes: [str('pad', 'p'.repeat(1500))] })]), 'protobuf')
    const first = post(body, { ...auth(), 'content-type': PB })
    await sendStarted
    const second = await post(body, { ...auth(), 'content-type': PB })
    expect(second.statusCode).toBe(503)
    expect(second.headers['retry-after']).toBe('1')
    release()
    expect((await first).statusCode).toBe(200)
    h.bus.respondWith({ status: 'success' })
    expect((await post(body, { ...auth(), 'content-type': PB })).statusCode).toBe(200)
  })

  it('503 when the key store cannot answer', async () => {
    h = await createHarness()
    h.keys.findKey = async () => {
      throw new Error('store down')
    }
    const res = await post(encodeTraces(traces([spanOf(1, 1)]), 'protobuf'), { ...auth(), 'content-type': PB })
    expect(res.statusCode).toBe(503)
    expect(res.headers['retry-after']).toBe('1')
  })

  it('404 for other paths', async () => {
    h = await createHarness()
    expect((await post('x', { ...auth(), 'content-type': PB }, '/v1/profiles')).statusCode).toBe(404)
  })
})

/** The value of the one sample of `name` carrying all `labels` (others may be present, in any order). */
function metricValue(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return undefined
}

describe('operations', () => {
  it('counts received, accepted and rejected items by signal and reason on /metrics', async () => {
    h = await createHarness()
    await post(encodeTraces(traces([spanOf(1, 1), spanOf(1, 2, { startTimeUnixNano: 0n })]), 'protobuf'), { ...auth(), 'content-type': PB })
    await post('x', { 'content-type': PB })
    const text = (await h.app.inject({ method: 'GET', url: '/metrics' })).payload
    expect(metricValue(text, 'periscope_collector_received_items_total', { signal: 'traces' })).toBe(2)
    expect(metricValue(text, 'periscope_collector_accepted_items_total', { signal: 'traces' })).toBe(1)
    expect(metricValue(text, 'periscope_collector_rejected_items_total', { signal: 'traces', reason: 'invalid_timestamp' })).toBe(1)
    expect(metricValue(text, 'periscope_collector_rejected_bytes_total', { signal: 'traces', reason: 'unauthenticated' })).toBe(1)
    expect(metricValue(text, 'periscope_collector_request_duration_seconds_count', { signal: 'traces', status_class: '2xx' })).toBe(1)
    expect(metricValue(text, 'periscope_collector_request_duration_seconds_count', { signal: 'traces', status_class: '4xx' })).toBe(1)
    expect(metricValue(text, 'periscope_collector_bus_records_total', { signal: 'traces' })).toBe(1)
  })

  it('is ready only while the bus is', async () => {
    h = await createHarness()
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
    expect((await h.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200)
    h.bus.setReady(false)
    expect((await h.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503)
  })
})
