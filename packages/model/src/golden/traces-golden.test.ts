/**
 * Golden test: spans made by the real SDK, sent by the official OTLP exporters (JSON and protobuf)
 * to a local endpoint, decoded by this package, and compared with rows this test writes by hand
 * from what it emitted.
 */
import { context, createTraceState, trace, SpanKind, SpanStatusCode, TraceFlags, type HrTime } from '@opentelemetry/api'
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeTraces, encodeTraces, spanRows, type SpanRow, type TracesRequest } from '../index.ts'
import { exportOnce, startCaptureServer, type CaptureServer } from './capture-server.ts'

const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736'
const TRACE_B = '0af7651916cd43dd8448eb211c80319c'
const SPAN_IDS = ['00f067aa0ba902b7', '53995c3f42cd8ad8', 'b7ad6b7169203331']
const REMOTE_PARENT = 'e457b5a2e4d86bd1'
const LINKED_TRACE = '11111111111111111111111111111111'
const LINKED_SPAN = '2222222222222222'

const t = (sec: number, ns: number): HrTime => [sec, ns]
const ns = (sec: number, nanos: number): bigint => BigInt(sec) * 1_000_000_000n + BigInt(nanos)

/** Runs the SDK once and returns the finished spans, in end order. */
function emitSpans(): ReadableSpan[] {
  const traceIds = [TRACE_A, TRACE_B]
  const spanIds = [...SPAN_IDS]
  const memory = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '1.2.3', 'host.cores': 2 }),
    idGenerator: { generateTraceId: () => traceIds.shift()!, generateSpanId: () => spanIds.shift()! },
    spanLimits: { attributeCountLimit: 8, eventCountLimit: 2, linkCountLimit: 1 },
    spanProcessors: [new SimpleSpanProcessor(memory)],
  })
  const tracer = provider.getTracer('golden-scope', '0.9.0')

  const root = tracer.startSpan('GET /cart', {
    kind: SpanKind.SERVER,
    startTime: t(1700000000, 123456789),
    attributes: {
      'http.method': 'GET',
      'http.status_code': 200,
      ratio: 0.25,
      cached: true,
      tags: ['x', 'y'],
      codes: [1, 2],
      checks: [true, false],
    },
  })
  root.addEvent('received', {}, t(1700000000, 223456789)) // the oldest, dropped by eventCountLimit
  root.addEvent('parsed', { size: 42, format: 'json' }, t(1700000000, 323456789))
  root.addEvent('validated', {}, t(1700000000, 423456789))
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' })

  const child = tracer.startSpan(
    'SELECT cart',
    {
      kind: SpanKind.CLIENT,
      startTime: t(1700000000, 500000000),
      links: [
        // the SDK keeps the newest links and events when over the limit
        { context: { traceId: LINKED_TRACE, spanId: '3333333333333333', traceFlags: TraceFlags.NONE } },
        { context: { traceId: LINKED_TRACE, spanId: LINKED_SPAN, traceFlags: TraceFlags.SAMPLED, traceState: createTraceState('lk=1') }, attributes: { 'link.kind': 'follows' } },
      ],
    },
    trace.setSpan(context.active(), root),
  )
  for (let i = 1; i <= 9; i++) child.setAttribute(`a${i}`, i)
  child.setStatus({ code: SpanStatusCode.OK })
  child.end(t(1700000000, 750000000))
  root.end(t(1700000001, 0))

  const remote = trace.setSpanContext(context.active(), {
    traceId: TRACE_B,
    spanId: REMOTE_PARENT,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: createTraceState('vendor=v1'),
  })
  const consumer = tracer.startSpan('process order', { kind: SpanKind.CONSUMER, startTime: t(1700000002, 0) }, remote)
  consumer.end(t(1700000002, 5))
  return memory.getFinishedSpans()
}

const resourceColumns = {
  TenantId: 'tenant-a',
  ServiceName: 'checkout',
  ResourceAttributes: { 'service.name': 'checkout', 'service.version': '1.2.3', 'host.cores': '2' },
  ResourceSchemaUrl: '',
  ScopeName: 'golden-scope',
  ScopeVersion: '0.9.0',
  ScopeAttributes: {},
}

const noEventsOrLinks = {
  'Events.Timestamp': [],
  'Events.Name': [],
  'Events.Attributes': [],
  'Links.TraceId': [],
  'Links.SpanId': [],
  'Links.TraceState': [],
  'Links.Attributes': [],
}

/** The rows, written from what emitSpans() did, sorted by SpanId. */
const expectedRows: SpanRow[] = [
  {
    ...resourceColumns,
    ...noEventsOrLinks,
    Timestamp: ns(1700000000, 123456789),
    TraceId: TRACE_A,
    SpanId: SPAN_IDS[0]!,
    ParentSpanId: '',
    TraceState: '',
    TraceFlags: 1,
    SpanName: 'GET /cart',
    SpanKind: 'SPAN_KIND_SERVER',
    SpanAttributes: {
      'http.method': 'GET',
      'http.status_code': '200',
      ratio: '0.25',
      cached: 'true',
      tags: '["x","y"]',
      codes: '[1,2]',
      checks: '[true,false]',
    },
    Duration: ns(1700000001, 0) - ns(1700000000, 123456789),
    StatusCode: 'STATUS_CODE_ERROR',
    StatusMessage: 'boom',
    DroppedAttributesCount: 0,
    DroppedEventsCount: 1,
    DroppedLinksCount: 0,
    'Events.Timestamp': [ns(1700000000, 323456789), ns(1700000000, 423456789)],
    'Events.Name': ['parsed', 'validated'],
    'Events.Attributes': [{ size: '42', format: 'json' }, {}],
  },
  {
    ...resourceColumns,
    ...noEventsOrLinks,
    Timestamp: ns(1700000000, 500000000),
    TraceId: TRACE_A,
    SpanId: SPAN_IDS[1]!,
    ParentSpanId: SPAN_IDS[0]!,
    TraceState: '',
    TraceFlags: 1,
    SpanName: 'SELECT cart',
    SpanKind: 'SPAN_KIND_CLIENT',
    SpanAttributes: { a1: '1', a2: '2', a3: '3', a4: '4', a5: '5', a6: '6', a7: '7', a8: '8' },
    Duration: 250000000n,
    StatusCode: 'STATUS_CODE_OK',
    StatusMessage: '',
    DroppedAttributesCount: 1,
    DroppedEventsCount: 0,
    DroppedLinksCount: 1,
    'Links.TraceId': [LINKED_TRACE],
    'Links.SpanId': [LINKED_SPAN],
    'Links.TraceState': ['lk=1'],
    'Links.Attributes': [{ 'link.kind': 'follows' }],
  },
  {
    ...resourceColumns,
    ...noEventsOrLinks,
    Timestamp: ns(1700000002, 0),
    TraceId: TRACE_B,
    SpanId: SPAN_IDS[2]!,
    ParentSpanId: REMOTE_PARENT,
    TraceState: 'vendor=v1',
    TraceFlags: 1,
    SpanName: 'process order',
    SpanKind: 'SPAN_KIND_CONSUMER',
    SpanAttributes: {},
    Duration: 5n,
    StatusCode: 'STATUS_CODE_UNSET',
    StatusMessage: '',
    DroppedAttributesCount: 0,
    DroppedEventsCount: 0,
    DroppedLinksCount: 0,
  },
]

const bySpanId = (a: SpanRow, b: SpanRow): number => (a.SpanId < b.SpanId ? -1 : a.SpanId > b.SpanId ? 1 : 0)

describe('traces from the official OTLP exporters', () => {
  let server: CaptureServer
  let jsonRequest: TracesRequest
  let protoRequest: TracesRequest

  beforeAll(async () => {
    server = await startCaptureServer()
    const spans = emitSpans()
    const jsonExporter = new JsonTraceExporter({ url: `${server.baseUrl}/v1/traces` })
    const protoExporter = new ProtoTraceExporter({ url: `${server.baseUrl}/v1/traces` })
    await exportOnce(jsonExporter, spans)
    await exportOnce(protoExporter, spans)
    await Promise.all([jsonExporter.shutdown(), protoExporter.shutdown()])
    expect(server.requests.map((r) => r.contentType)).toEqual(['application/json', 'application/x-protobuf'])
    const json = decodeTraces(server.requests[0]!.body, 'json')
    const proto = decodeTraces(server.requests[1]!.body, 'protobuf')
    if (!json.ok) throw json.error
    if (!proto.ok) throw proto.error
    jsonRequest = json.value
    protoRequest = proto.value
  })

  afterAll(async () => {
    await server.close()
  })

  it('decodes the JSON export into the expected rows', () => {
    const { rows, rejected } = spanRows(jsonRequest, 'tenant-a')
    expect(rejected).toEqual([])
    expect(rows.sort(bySpanId)).toEqual(expectedRows)
  })

  it('decodes the protobuf export into the expected rows', () => {
    const { rows, rejected } = spanRows(protoRequest, 'tenant-a')
    expect(rejected).toEqual([])
    expect(rows.sort(bySpanId)).toEqual(expectedRows)
  })

  it('gives the same request whichever encoding it came in', () => {
    expect(jsonRequest).toEqual(protoRequest)
  })

  it('keeps the span flags, including the remote-parent bits', () => {
    const spans = protoRequest.resourceSpans[0]!.scopeSpans[0]!.spans
    const consumer = spans.find((s) => s.name === 'process order')!
    // sampled | has-is-remote | is-remote
    expect(consumer.flags).toBe(0x301)
  })

  it('round-trips the decoded request through both encodings', () => {
    for (const encoding of ['protobuf', 'json'] as const) {
      const again = decodeTraces(encodeTraces(protoRequest, encoding), encoding)
      expect(again.ok && again.value).toEqual(protoRequest)
    }
  })
})
