/**
 * Property: decode(encode(x)) deep-equals x, for arbitrary requests of all three signals in both
 * encodings, and the two encodings decode to the same request.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decodeLogs,
  decodeMetrics,
  decodeTraces,
  encodeLogs,
  encodeMetrics,
  encodeTraces,
  type AnyValue,
  type InstrumentationScope,
  type KeyValue,
  type LogsRequest,
  type Metric,
  type MetricsRequest,
  type NumberValue,
  type Resource,
  type TracesRequest,
} from '../index.ts'

const u32 = fc.nat({ max: 0xffffffff })
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })
const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
// -0 does not survive JSON (it prints as 0), as in every OTLP/JSON implementation
const double = fc.double().filter((d) => !Object.is(d, -0))
const bytes = (max: number) => fc.uint8Array({ maxLength: max })
const str = fc.string({ maxLength: 12, unit: 'binary' })
const small = <T>(a: fc.Arbitrary<T>) => fc.array(a, { maxLength: 3 })

const { value: anyValue } = fc.letrec<{ value: AnyValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<AnyValue>({ type: 'empty' }),
    str.map((value): AnyValue => ({ type: 'string', value })),
    fc.boolean().map((value): AnyValue => ({ type: 'bool', value })),
    i64.map((value): AnyValue => ({ type: 'int', value })),
    double.map((value): AnyValue => ({ type: 'double', value })),
    bytes(6).map((value): AnyValue => ({ type: 'bytes', value })),
    small(tie('value')).map((value): AnyValue => ({ type: 'array', value })),
    small(fc.record({ key: str, value: tie('value') })).map((value): AnyValue => ({ type: 'kvlist', value })),
  ),
}))
const keyValues: fc.Arbitrary<KeyValue[]> = small(fc.record({ key: str, value: anyValue }))

const resource: fc.Arbitrary<Resource | null> = fc.option(
  fc.record({
    attributes: keyValues,
    droppedAttributesCount: u32,
    entityRefs: small(fc.record({ schemaUrl: str, type: str, idKeys: small(str), descriptionKeys: small(str) })),
  }),
)
const scope: fc.Arbitrary<InstrumentationScope | null> = fc.option(fc.record({ name: str, version: str, attributes: keyValues, droppedAttributesCount: u32 }))

const traces: fc.Arbitrary<TracesRequest> = fc.record({
  resourceSpans: small(
    fc.record({
      resource,
      schemaUrl: str,
      scopeSpans: small(
        fc.record({
          scope,
          schemaUrl: str,
          spans: small(
            fc.record({
              traceId: bytes(17),
              spanId: bytes(9),
              traceState: str,
              parentSpanId: bytes(9),
              flags: u32,
              name: str,
              kind: fc.integer({ min: 0, max: 7 }),
              startTimeUnixNano: u64,
              endTimeUnixNano: u64,
              attributes: keyValues,
              droppedAttributesCount: u32,
              events: small(fc.record({ timeUnixNano: u64, name: str, attributes: keyValues, droppedAttributesCount: u32 })),
              droppedEventsCount: u32,
              links: small(fc.record({ traceId: bytes(16), spanId: bytes(8), traceState: str, attributes: keyValues, droppedAttributesCount: u32, flags: u32 })),
              droppedLinksCount: u32,
              status: fc.option(fc.record({ message: str, code: fc.integer({ min: 0, max: 3 }) })),
            }),
          ),
        }),
      ),
    }),
  ),
})

const logs: fc.Arbitrary<LogsRequest> = fc.record({
  resourceLogs: small(
    fc.record({
      resource,
      schemaUrl: str,
      scopeLogs: small(
        fc.record({
          scope,
          schemaUrl: str,
          logRecords: small(
            fc.record({
              timeUnixNano: u64,
              observedTimeUnixNano: u64,
              severityNumber: fc.integer({ min: 0, max: 24 }),
              severityText: str,
              body: fc.option(anyValue),
              attributes: keyValues,
              droppedAttributesCount: u32,
              flags: u32,
              traceId: bytes(16),
              spanId: bytes(8),
              eventName: str,
            }),
          ),
        }),
      ),
    }),
  ),
})

const numberValue: fc.Arbitrary<NumberValue | null> = fc.option(
  fc.oneof(double.map((value): NumberValue => ({ type: 'double', value })), i64.map((value): NumberValue => ({ type: 'int', value }))),
)
const pointBase = { attributes: keyValues, startTimeUnixNano: u64, timeUnixNano: u64, flags: u32 }
const exemplars = small(fc.record({ filteredAttributes: keyValues, timeUnixNano: u64, value: numberValue, spanId: bytes(8), traceId: bytes(16) }))
const numberPoints = small(fc.record({ ...pointBase, value: numberValue, exemplars }))
const optDouble = fc.option(double)
const buckets = fc.option(fc.record({ offset: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), bucketCounts: small(u64) }))

const metricData: fc.Arbitrary<Metric['data']> = fc.oneof(
  fc.constant({ type: 'none' as const }),
  fc.record({ type: fc.constant('gauge' as const), dataPoints: numberPoints }),
  fc.record({ type: fc.constant('sum' as const), dataPoints: numberPoints, aggregationTemporality: fc.integer({ min: 0, max: 2 }), isMonotonic: fc.boolean() }),
  fc.record({
    type: fc.constant('histogram' as const),
    aggregationTemporality: fc.integer({ min: 0, max: 2 }),
    dataPoints: small(fc.record({ ...pointBase, count: u64, sum: optDouble, bucketCounts: small(u64), explicitBounds: small(double), exemplars, min: optDouble, max: optDouble })),
  }),
  fc.record({
    type: fc.constant('exponentialHistogram' as const),
    aggregationTemporality: fc.integer({ min: 0, max: 2 }),
    dataPoints: small(
      fc.record({
        ...pointBase,
        count: u64,
        sum: optDouble,
        scale: fc.integer({ min: -10, max: 20 }),
        zeroCount: u64,
        positive: buckets,
        negative: buckets,
        exemplars,
        min: optDouble,
        max: optDouble,
        zeroThreshold: double,
      }),
    ),
  }),
  fc.record({ type: fc.constant('summary' as const), dataPoints: small(fc.record({ ...pointBase, count: u64, sum: double, quantileValues: small(fc.record({ quantile: double, value: double })) })) }),
)

const metrics: fc.Arbitrary<MetricsRequest> = fc.record({
  resourceMetrics: small(
    fc.record({
      resource,
      schemaUrl: str,
      scopeMetrics: small(fc.record({ scope, schemaUrl: str, metrics: small(fc.record({ name: str, description: str, unit: str, data: metricData, metadata: keyValues })) })),
    }),
  ),
})

function roundTrips<T>(arb: fc.Arbitrary<T>, encode: (x: T, e: 'protobuf' | 'json') => Uint8Array, decode: (b: Uint8Array, e: 'protobuf' | 'json') => { ok: boolean; value?: T }): void {
  fc.assert(
    fc.property(arb, (x) => {
      for (const encoding of ['protobuf', 'json'] as const) {
        const r = decode(encode(x, encoding), encoding)
        expect(r.ok).toBe(true)
        expect(r.value).toEqual(x)
      }
    }),
    { numRuns: 150 },
  )
}

describe('decode(encode(x)) == x', () => {
  it('for traces', () => roundTrips(traces, encodeTraces, decodeTraces))
  it('for logs', () => roundTrips(logs, encodeLogs, decodeLogs))
  it('for metrics', () => roundTrips(metrics, encodeMetrics, decodeMetrics))
})
