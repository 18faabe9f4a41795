/**
 * Builders of in-memory OTLP requests for unit tests: every field present, as the model's decoder
 * produces them, with overrides for the field under test.
 */
import type { KeyValue, LogRecord, LogsRequest, Metric, MetricsRequest, NumberDataPoint, Span, TracesRequest } from '@periscope/model'

export const T0_NS = 1_700_000_000_000_000_000n
export const T0_MS = 1_700_000_000_000

export function bytesOf(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'))
}

export function str(key: string, value: string): KeyValue {
  return { key, value: { type: 'string', value } }
}

export function span(overrides: Partial<Span> = {}): Span {
  return {
    traceId: bytesOf('0102030405060708090a0b0c0d0e0f10'),
    spanId: bytesOf('1112131415161718'),
    traceState: '',
    parentSpanId: new Uint8Array(0),
    flags: 1,
    name: 'GET /',
    kind: 2,
    startTimeUnixNano: T0_NS,
    endTimeUnixNano: T0_NS + 1_000_000n,
    attributes: [str('http.method', 'GET')],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: null,
    ...overrides,
  }
}

export function traces(spans: Span[], service = 'shop'): TracesRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', service)], droppedAttributesCount: 0, entityRefs: [] },
        scopeSpans: [{ scope: { name: 'test', version: '1', attributes: [], droppedAttributesCount: 0 }, spans, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  }
}

export function logRecord(overrides: Partial<LogRecord> = {}): LogRecord {
  return {
    timeUnixNano: T0_NS,
    observedTimeUnixNano: T0_NS,
    severityNumber: 9,
    severityText: 'INFO',
    body: { type: 'string', value: 'hello' },
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: new Uint8Array(0),
    spanId: new Uint8Array(0),
    eventName: '',
    ...overrides,
  }
}

export function logs(records: LogRecord[], service = 'shop'): LogsRequest {
  return {
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', service)], droppedAttributesCount: 0, entityRefs: [] },
        scopeLogs: [{ scope: null, logRecords: records, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  }
}

export function numberPoint(overrides: Partial<NumberDataPoint> = {}): NumberDataPoint {
  return {
    attributes: [],
    startTimeUnixNano: T0_NS - 1_000_000_000n,
    timeUnixNano: T0_NS,
    value: { type: 'double', value: 1.5 },
    exemplars: [],
    flags: 0,
    ...overrides,
  }
}

export function gauge(name: string, points: NumberDataPoint[]): Metric {
  return { name, description: '', unit: '1', data: { type: 'gauge', dataPoints: points }, metadata: [] }
}

export function metrics(list: Metric[], service = 'shop'): MetricsRequest {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [str('service.name', service)], droppedAttributesCount: 0, entityRefs: [] },
        scopeMetrics: [{ scope: null, metrics: list, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  }
}
