/**
 * Hand-made OTLP cases the SDK exporters do not produce: every AnyValue kind, the JSON spellings
 * OTLP allows (int64 as number or string, enum names, upper-case hex), unknown fields, summaries,
 * exemplars, structured bodies, dropped counts.
 */
import protobuf from 'protobufjs'
import { describe, expect, it } from 'vitest'
import {
  decodeLogs,
  decodeMetrics,
  decodeTraces,
  encodeLogs,
  encodeMetrics,
  encodeTraces,
  logRows,
  metricRows,
  spanRows,
  type LogsRequest,
  type MetricsRequest,
  type TracesRequest,
} from '../index.ts'
import { otlpRoot } from './proto-root.ts'

const utf8 = (o: unknown): Uint8Array => new TextEncoder().encode(typeof o === 'string' ? o : JSON.stringify(o))

function ok<T>(r: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!r.ok) throw r.error
  return r.value
}

const TRACE = '5b8efff798038103d269b633813fc60c'
const SPAN = 'eee19b7ec3c1b174'

describe('OTLP/JSON spellings', () => {
  const canonical = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: TRACE,
                spanId: SPAN,
                name: 'op',
                kind: 2,
                startTimeUnixNano: '1700000000000000000',
                endTimeUnixNano: '1700000000000000500',
                attributes: [{ key: 'n', value: { intValue: '42' } }],
                status: { code: 2 },
              },
            ],
          },
        ],
      },
    ],
  }
  const variant = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }], futureField: { x: 1 } },
        scopeSpans: [
          {
            spans: [
              {
                traceId: TRACE.toUpperCase(),
                spanId: SPAN.toUpperCase(),
                name: 'op',
                kind: 'SPAN_KIND_SERVER',
                startTimeUnixNano: 1700000000000000000,
                endTimeUnixNano: '1700000000000000500',
                attributes: [{ key: 'n', value: { intValue: 42 } }],
                status: { code: 'STATUS_CODE_ERROR', message: null },
                parentSpanId: '',
                unknownKey: [1, 2, 3],
              },
            ],
          },
        ],
      },
    ],
  }

  it('reads int64 as number or string, enum names, upper-case hex, null and unknown keys alike', () => {
    expect(ok(decodeTraces(utf8(variant), 'json'))).toEqual(ok(decodeTraces(utf8(canonical), 'json')))
  })

  it('writes lowercase hex ids and the enum names in rows', () => {
    const { rows } = spanRows(ok(decodeTraces(utf8(variant), 'json')), 't')
    expect(rows[0]).toMatchObject({ TraceId: TRACE, SpanId: SPAN, SpanKind: 'SPAN_KIND_SERVER', StatusCode: 'STATUS_CODE_ERROR', Duration: 500n })
    expect(rows[0]!.SpanAttributes).toEqual({ n: '42' })
  })

  it('accepts severity and temporality names', () => {
    const logs = ok(decodeLogs(utf8({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '5', severityNumber: 'SEVERITY_NUMBER_WARN3' }] }] }] }), 'json'))
    expect(logs.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.severityNumber).toBe(15)
    const metrics = ok(
      decodeMetrics(
        utf8({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', sum: { aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA', dataPoints: [] } }] }] }] }),
        'json',
      ),
    )
    const data = metrics.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.data
    expect(data.type === 'sum' && data.aggregationTemporality).toBe(1)
  })

  it('reads "NaN" and "Infinity" doubles and strips a UTF-8 byte order mark', () => {
    const body = utf8(
      '\uFEFF' +
        JSON.stringify({
          resourceSpans: [{ scopeSpans: [{ spans: [{ attributes: [{ key: 'a', value: { doubleValue: 'NaN' } }, { key: 'b', value: { doubleValue: '-Infinity' } }] }] }] }],
        }),
    )
    const attrs = ok(decodeTraces(body, 'json')).resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes
    expect(attrs.map((a) => a.value)).toEqual([
      { type: 'double', value: Number.NaN },
      { type: 'double', value: Number.NEGATIVE_INFINITY },
    ])
  })
})

describe('unknown protobuf fields', () => {
  it('skips fields a newer peer added, at any depth', () => {
    // a copy of the official schema with extra fields, as a future version might send them
    const future = protobuf.Root.fromJSON(otlpRoot.toJSON())
    future.lookupType('opentelemetry.proto.trace.v1.Span').add(new protobuf.Field('futureNote', 100, 'string'))
    future.lookupType('opentelemetry.proto.trace.v1.ResourceSpans').add(new protobuf.Field('futureCount', 101, 'uint64'))
    const type = future.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest')
    const traceId = Buffer.from(TRACE, 'hex')
    const spanId = Buffer.from(SPAN, 'hex')
    const withExtras = type.encode({ resourceSpans: [{ futureCount: 7, scopeSpans: [{ spans: [{ traceId, spanId, name: 'op', futureNote: 'hello' }] }] }] }).finish()
    const plain = type.encode({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId, spanId, name: 'op' }] }] }] }).finish()
    expect(withExtras.length).toBeGreaterThan(plain.length)
    expect(ok(decodeTraces(withExtras, 'protobuf'))).toEqual(ok(decodeTraces(plain, 'protobuf')))
  })
})

const id = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'))

const everyValueKind: TracesRequest = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { type: 'string', value: 'svc' } }], droppedAttributesCount: 3, entityRefs: [] },
      schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
      scopeSpans: [
        {
          scope: { name: 'lib', version: '1', attributes: [{ key: 'scope.attr', value: { type: 'bool', value: true } }], droppedAttributesCount: 1 },
          schemaUrl: '',
          spans: [
            {
              traceId: id(TRACE),
              spanId: id(SPAN),
              traceState: 'a=1,b=2',
              parentSpanId: new Uint8Array(0),
              flags: 1,
              name: 'kinds',
              kind: 1,
              startTimeUnixNano: 10n,
              endTimeUnixNano: 10n,
              attributes: [
                { key: 's', value: { type: 'string', value: 'text' } },
                { key: 'b', value: { type: 'bool', value: false } },
                { key: 'i', value: { type: 'int', value: -9223372036854775808n } },
                { key: 'u', value: { type: 'int', value: 9223372036854775807n } },
                { key: 'd', value: { type: 'double', value: 2.5 } },
                { key: 'inf', value: { type: 'double', value: Number.POSITIVE_INFINITY } },
                { key: 'bytes', value: { type: 'bytes', value: new Uint8Array([0, 255, 16]) } },
                {
                  key: 'arr',
                  value: {
                    type: 'array',
                    value: [
                      { type: 'string', value: 'q"x' },
                      { type: 'int', value: 12345678901234567n },
                      { type: 'bytes', value: new Uint8Array([1]) },
                      { type: 'empty' },
                      { type: 'kvlist', value: [{ key: 'k', value: { type: 'double', value: Number.NaN } }] },
                    ],
                  },
                },
                {
                  key: 'kv',
                  value: {
                    type: 'kvlist',
                    value: [
                      { key: 'inner', value: { type: 'kvlist', value: [{ key: 'leaf', value: { type: 'int', value: 1n } }] } },
                      { key: 'empty', value: { type: 'kvlist', value: [] } },
                      { key: 'list', value: { type: 'array', value: [] } },
                    ],
                  },
                },
                { key: 'none', value: { type: 'empty' } },
              ],
              droppedAttributesCount: 4,
              events: [{ timeUnixNano: 11n, name: 'e', attributes: [], droppedAttributesCount: 2 }],
              droppedEventsCount: 5,
              links: [{ traceId: id(TRACE), spanId: id('0000000000000001'), traceState: 'x=y', attributes: [], droppedAttributesCount: 6, flags: 0x301 }],
              droppedLinksCount: 7,
              status: { code: 1, message: 'fine' },
            },
          ],
        },
      ],
    },
  ],
}

describe('every AnyValue kind', () => {
  it('survives both encodings unchanged', () => {
    for (const encoding of ['protobuf', 'json'] as const) {
      expect(ok(decodeTraces(encodeTraces(everyValueKind, encoding), encoding))).toEqual(everyValueKind)
    }
  })

  it('flattens into the documented attribute text', () => {
    const { rows, rejected } = spanRows(everyValueKind, 't')
    expect(rejected).toEqual([])
    expect(rows[0]!.SpanAttributes).toEqual({
      s: 'text',
      b: 'false',
      i: '-9223372036854775808',
      u: '9223372036854775807',
      d: '2.5',
      inf: 'Infinity',
      bytes: 'AP8Q',
      arr: '["q\\"x",12345678901234567,"AQ==",null,{"k":"NaN"}]',
      'kv.inner.leaf': '1',
      'kv.empty': '{}',
      'kv.list': '[]',
      none: '',
    })
    expect(rows[0]).toMatchObject({
      ResourceSchemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
      ScopeAttributes: { 'scope.attr': 'true' },
      TraceState: 'a=1,b=2',
      Duration: 0n,
      DroppedAttributesCount: 4,
      DroppedEventsCount: 5,
      DroppedLinksCount: 7,
      StatusCode: 'STATUS_CODE_OK',
      StatusMessage: 'fine',
      'Links.SpanId': ['0000000000000001'],
      'Links.TraceState': ['x=y'],
    })
  })
})

function logsWithBodies(...bodies: LogsRequest['resourceLogs'][0]['scopeLogs'][0]['logRecords'][0]['body'][]): LogsRequest {
  return {
    resourceLogs: [
      {
        resource: null,
        schemaUrl: '',
        scopeLogs: [
          {
            scope: null,
            schemaUrl: '',
            logRecords: bodies.map((body, i) => ({
              timeUnixNano: i === 0 ? 0n : 100n,
              observedTimeUnixNano: 200n,
              severityNumber: i === 0 ? 0 : 21,
              severityText: i === 0 ? 'warning' : '',
              body,
              attributes: [],
              droppedAttributesCount: i,
              flags: 0x01,
              traceId: i === 1 ? new Uint8Array(16) : new Uint8Array(0),
              spanId: new Uint8Array(0),
              eventName: '',
            })),
          },
        ],
      },
    ],
  }
}

describe('log bodies and normalisation', () => {
  const req = logsWithBodies(
    { type: 'kvlist', value: [{ key: 'msg', value: { type: 'string', value: 'hi' } }, { key: 'n', value: { type: 'array', value: [{ type: 'int', value: 1n }, { type: 'bool', value: true }] } }] },
    { type: 'int', value: 42n },
    null,
    { type: 'empty' },
    { type: 'array', value: [{ type: 'string', value: 'a' }] },
  )

  it('writes structured bodies as JSON and scalars as text', () => {
    const { rows, rejected } = logRows(req, 't')
    expect(rejected).toEqual([])
    expect(rows.map((r) => r.Body)).toEqual(['{"msg":"hi","n":[1,true]}', '42', '', '', '["a"]'])
  })

  it('falls back to the observed time, derives severity both ways, treats a zero trace id as absent', () => {
    const { rows } = logRows(req, 't')
    expect(rows[0]).toMatchObject({ Timestamp: 200n, ObservedTimestamp: 200n, SeverityText: 'warning', SeverityNumber: 13, DroppedAttributesCount: 0, TraceFlags: 1 })
    expect(rows[1]).toMatchObject({ Timestamp: 100n, SeverityText: 'FATAL', SeverityNumber: 21, TraceId: '', DroppedAttributesCount: 1 })
    expect(rows[1]!.ServiceName).toBe('unknown_service')
  })

  it('round-trips bodies, absent and empty alike', () => {
    for (const encoding of ['protobuf', 'json'] as const) expect(ok(decodeLogs(encodeLogs(req, encoding), encoding))).toEqual(req)
  })
})

const metricBase = { startTimeUnixNano: 1n, timeUnixNano: 2n, flags: 0 }

const handMadeMetrics: MetricsRequest = {
  resourceMetrics: [
    {
      resource: { attributes: [{ key: 'service.name', value: { type: 'string', value: 'db' } }], droppedAttributesCount: 0, entityRefs: [] },
      schemaUrl: '',
      scopeMetrics: [
        {
          scope: { name: 'prom', version: '', attributes: [], droppedAttributesCount: 0 },
          schemaUrl: '',
          metrics: [
            {
              name: 'rpc.duration',
              description: 'RPC latency',
              unit: 's',
              metadata: [{ key: 'prometheus.type', value: { type: 'string', value: 'summary' } }],
              data: {
                type: 'summary',
                dataPoints: [
                  {
                    ...metricBase,
                    attributes: [{ key: 'method', value: { type: 'string', value: 'Get' } }],
                    count: 10n,
                    sum: 2.5,
                    quantileValues: [
                      { quantile: 0.5, value: 0.2 },
                      { quantile: 0.99, value: 0.9 },
                    ],
                  },
                ],
              },
            },
            {
              name: 'stale',
              description: '',
              unit: '',
              metadata: [],
              // a no-recorded-value point (Prometheus staleness) carries no value
              data: { type: 'gauge', dataPoints: [{ ...metricBase, flags: 1, attributes: [], value: null, exemplars: [] }] },
            },
            {
              name: 'with.exemplar',
              description: '',
              unit: '',
              metadata: [],
              data: {
                type: 'sum',
                aggregationTemporality: 1,
                isMonotonic: true,
                dataPoints: [
                  {
                    ...metricBase,
                    attributes: [],
                    value: { type: 'int', value: -5n },
                    exemplars: [
                      { filteredAttributes: [{ key: 'user', value: { type: 'string', value: 'u' } }], timeUnixNano: 3n, value: { type: 'double', value: 1.5 }, spanId: id(SPAN), traceId: id(TRACE) },
                    ],
                  },
                ],
              },
            },
            {
              name: 'sizes',
              description: '',
              unit: 'By',
              metadata: [],
              data: {
                type: 'exponentialHistogram',
                aggregationTemporality: 1,
                dataPoints: [
                  {
                    ...metricBase,
                    attributes: [],
                    count: 6n,
                    sum: null,
                    scale: -2,
                    zeroCount: 1n,
                    positive: { offset: 3, bucketCounts: [1n, 2n] },
                    negative: { offset: -4, bucketCounts: [2n] },
                    exemplars: [],
                    min: null,
                    max: 100,
                    zeroThreshold: 0.001,
                  },
                ],
              },
            },
            { name: 'no.data', description: '', unit: '', metadata: [], data: { type: 'none' } },
          ],
        },
      ],
    },
  ],
}

describe('metrics the SDK does not emit', () => {
  it('round-trips summaries, exemplars, metadata, no-value points and metrics without data', () => {
    for (const encoding of ['protobuf', 'json'] as const) {
      expect(ok(decodeMetrics(encodeMetrics(handMadeMetrics, encoding), encoding))).toEqual(handMadeMetrics)
    }
  })

  it('turns them into rows', () => {
    const { rows, rejected } = metricRows(handMadeMetrics, 't')
    expect(rejected).toEqual([])
    expect(rows.summary).toEqual([
      expect.objectContaining({
        MetricName: 'rpc.duration',
        MetricUnit: 's',
        ServiceName: 'db',
        Attributes: { method: 'Get' },
        Count: 10n,
        Sum: 2.5,
        'ValueAtQuantiles.Quantile': [0.5, 0.99],
        'ValueAtQuantiles.Value': [0.2, 0.9],
        StartTimeUnix: 1n,
        TimeUnix: 2n,
      }),
    ])
    expect(rows.gauge).toEqual([expect.objectContaining({ MetricName: 'stale', Value: 0, Flags: 1 })])
    expect(rows.sum).toEqual([expect.objectContaining({ Value: -5, AggregationTemporality: 1, IsMonotonic: true })])
    expect(rows.exponentialHistogram).toEqual([
      expect.objectContaining({
        Scale: -2,
        ZeroCount: 1n,
        ZeroThreshold: 0.001,
        PositiveOffset: 3,
        PositiveBucketCounts: [1n, 2n],
        NegativeOffset: -4,
        NegativeBucketCounts: [2n],
        Sum: 0,
        Min: null,
        Max: 100,
      }),
    ])
  })
})
