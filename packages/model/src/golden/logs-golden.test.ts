/**
 * Golden test: log records made by the real SDK (sdk-logs), sent by the official OTLP log
 * exporters (JSON and protobuf) to a local endpoint, decoded here, and compared with rows written
 * by hand from what was emitted.
 */
import { context, trace, TraceFlags, type HrTime } from '@opentelemetry/api'
import { SeverityNumber } from '@opentelemetry/api-logs'
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http'
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeLogs, encodeLogs, logRows, type LogRow, type LogsRequest } from '../index.ts'
import { exportOnce, startCaptureServer, type CaptureServer } from './capture-server.ts'

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
const SPAN_ID = '00f067aa0ba902b7'

const t = (sec: number, ns: number): HrTime => [sec, ns]
const ns = (sec: number, nanos: number): bigint => BigInt(sec) * 1_000_000_000n + BigInt(nanos)

async function emitLogs(): Promise<ReadableLogRecord[]> {
  const memory = new InMemoryLogRecordExporter()
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'payments', 'k8s.pod.name': 'payments-7d9f' }),
    logRecordLimits: { attributeCountLimit: 4 },
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  })
  const logger = provider.getLogger('golden-logger', '2.0.0')
  const inSpan = trace.setSpanContext(context.active(), { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED })
  logger.emit({
    timestamp: t(1700000100, 1),
    observedTimestamp: t(1700000100, 2),
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    body: 'disk almost full',
    attributes: { user: 'u1', retries: 3, 'http.ok': false, ratio: 0.5 },
    context: inSpan,
  })
  logger.emit({
    timestamp: t(1700000101, 0),
    observedTimestamp: t(1700000101, 10),
    severityNumber: SeverityNumber.ERROR2,
    eventName: 'order.failed',
    body: { order: { id: 7, items: ['a', 'b'] }, ok: true },
  })
  logger.emit({
    timestamp: t(1700000102, 0),
    observedTimestamp: t(1700000102, 0),
    severityNumber: SeverityNumber.DEBUG,
    severityText: 'debug',
    body: new Uint8Array([1, 2, 3]),
    attributes: { a1: 1, a2: 2, a3: 3, a4: 4, a5: 5 },
  })
  await provider.forceFlush()
  return memory.getFinishedLogRecords()
}

const resourceColumns = {
  TenantId: 'tenant-b',
  ServiceName: 'payments',
  ResourceAttributes: { 'service.name': 'payments', 'k8s.pod.name': 'payments-7d9f' },
  ResourceSchemaUrl: '',
  ScopeName: 'golden-logger',
  ScopeVersion: '2.0.0',
  ScopeAttributes: {},
}

const expectedRows: LogRow[] = [
  {
    ...resourceColumns,
    Timestamp: ns(1700000100, 1),
    ObservedTimestamp: ns(1700000100, 2),
    TraceId: TRACE_ID,
    SpanId: SPAN_ID,
    TraceFlags: 1,
    SeverityText: 'WARN',
    SeverityNumber: 13,
    Body: 'disk almost full',
    EventName: '',
    LogAttributes: { user: 'u1', retries: '3', 'http.ok': 'false', ratio: '0.5' },
    DroppedAttributesCount: 0,
  },
  {
    ...resourceColumns,
    Timestamp: ns(1700000101, 0),
    ObservedTimestamp: ns(1700000101, 10),
    TraceId: '',
    SpanId: '',
    TraceFlags: 0,
    // no text was given: derived from SeverityNumber 18 (ERROR2)
    SeverityText: 'ERROR',
    SeverityNumber: 18,
    Body: '{"order":{"id":7,"items":["a","b"]},"ok":true}',
    EventName: 'order.failed',
    LogAttributes: {},
    DroppedAttributesCount: 0,
  },
  {
    ...resourceColumns,
    Timestamp: ns(1700000102, 0),
    ObservedTimestamp: ns(1700000102, 0),
    TraceId: '',
    SpanId: '',
    TraceFlags: 0,
    SeverityText: 'debug',
    SeverityNumber: 5,
    Body: 'AQID',
    EventName: '',
    // attributeCountLimit 4: the fifth is dropped and counted
    LogAttributes: { a1: '1', a2: '2', a3: '3', a4: '4' },
    DroppedAttributesCount: 1,
  },
]

describe('logs from the official OTLP exporters', () => {
  let server: CaptureServer
  let jsonRequest: LogsRequest
  let protoRequest: LogsRequest

  beforeAll(async () => {
    server = await startCaptureServer()
    const records = await emitLogs()
    const jsonExporter = new JsonLogExporter({ url: `${server.baseUrl}/v1/logs` })
    const protoExporter = new ProtoLogExporter({ url: `${server.baseUrl}/v1/logs` })
    await exportOnce(jsonExporter, records)
    await exportOnce(protoExporter, records)
    await Promise.all([jsonExporter.shutdown(), protoExporter.shutdown()])
    expect(server.requests.map((r) => r.contentType)).toEqual(['application/json', 'application/x-protobuf'])
    const json = decodeLogs(server.requests[0]!.body, 'json')
    const proto = decodeLogs(server.requests[1]!.body, 'protobuf')
    if (!json.ok) throw json.error
    if (!proto.ok) throw proto.error
    jsonRequest = json.value
    protoRequest = proto.value
  })

  afterAll(async () => {
    await server.close()
  })

  it('decodes the JSON export into the expected rows', () => {
    const { rows, rejected } = logRows(jsonRequest, 'tenant-b')
    expect(rejected).toEqual([])
    expect(rows).toEqual(expectedRows)
  })

  it('decodes the protobuf export into the expected rows', () => {
    const { rows, rejected } = logRows(protoRequest, 'tenant-b')
    expect(rejected).toEqual([])
    expect(rows).toEqual(expectedRows)
  })

  it('gives the same request whichever encoding it came in', () => {
    expect(jsonRequest).toEqual(protoRequest)
  })

  it('keeps the structured body as a kvlist value', () => {
    const body = protoRequest.resourceLogs[0]!.scopeLogs[0]!.logRecords[1]!.body
    expect(body?.type).toBe('kvlist')
  })

  it('round-trips the decoded request through both encodings', () => {
    for (const encoding of ['protobuf', 'json'] as const) {
      const again = decodeLogs(encodeLogs(protoRequest, encoding), encoding)
      expect(again.ok && again.value).toEqual(protoRequest)
    }
  })
})
