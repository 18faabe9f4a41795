import { decodeTraces } from '@periscope/model'
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Link } from '@opentelemetry/api'
import { TraceState } from '@opentelemetry/core'
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeTraceRequest } from './otlp-trace-encoder.ts'

/** Spans covering every field and value type, from two resources and several scopes. */
function makeSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter()
  const a = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '1.2.3', 'host.cpu.count': 2 }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  })
  const b = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'payment' }), spanProcessors: [new SimpleSpanProcessor(exporter)] })
  const remoteParent = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: true, traceState: new TraceState('vendor=a,other=b') }
  const link: Link = {
    context: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 0, isRemote: true, traceState: new TraceState('l=1') },
    attributes: { 'link.kind': 'follows', n: 3 },
  }
  const tracer = a.getTracer('http', '0.223.0')
  const root = tracer.startSpan(
    'GET /api/products/:sku',
    {
      kind: SpanKind.SERVER,
      links: [link],
      startTime: [1_735_689_600, 123_456_789],
      attributes: {
        str: 'value',
        unicode: 'naïve café — ✓ 𝄞',
        long: 'x'.repeat(200) + 'é'.repeat(50),
        int: 42,
        negative: -7,
        big: 2 ** 40 + 3,
        bigNegative: -(2 ** 45),
        double: 3.25,
        bool: true,
        strings: ['a', 'b', ''],
        numbers: [1, 2.5, -3],
        bools: [false, true],
        empty: '',
      },
    },
    ROOT_CONTEXT,
  )
  root.addEvent('exception', { 'exception.message': 'boom', 'exception.type': 'Error' }, [1_735_689_600, 200_000_000])
  root.addEvent('plain', undefined, [1_735_689_600, 300_000_000])
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'payment failed' })
  root.end([1_735_689_601, 999_999_999])
  for (const kind of [SpanKind.INTERNAL, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER]) {
    const child = a.getTracer('express').startSpan(`kind ${kind}`, { kind, startTime: [1_800_000_000, 1] }, ROOT_CONTEXT)
    child.end([1_800_000_000, 2])
  }
  // a span under a remote parent, with trace state
  const remote = b.getTracer('undici').startSpan('remote child', { kind: SpanKind.SERVER }, trace.setSpanContext(ROOT_CONTEXT, remoteParent))
  remote.setStatus({ code: SpanStatusCode.OK })
  remote.end()
  // many attributes: a span body longer than 16 KiB needs a 3-byte length
  const wide = b.getTracer('wide', '1').startSpan('wide', { attributes: Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`attr.${i}`, `value-${i}-`.repeat(5)])) })
  wide.end()
  return exporter.getFinishedSpans()
}

function decode(bytes: Uint8Array) {
  const result = decodeTraces(bytes, 'protobuf')
  if (!result.ok) throw new Error(`decode failed: ${result.error.message}`)
  return result.value
}

describe('encodeTraceRequest', () => {
  it('decodes to exactly what the official OpenTelemetry protobuf serializer produces', () => {
    const spans = makeSpans()
    const reference = ProtobufTraceSerializer.serializeRequest(spans)
    if (reference === undefined) throw new Error('reference serializer produced nothing')
    const ours = decode(encodeTraceRequest(spans))
    expect(ours).toEqual(decode(reference))
    // and it really holds what we put in
    expect(ours.resourceSpans).toHaveLength(2)
    const allSpans = ours.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))
    expect(allSpans).toHaveLength(spans.length)
    const root = allSpans.find((s) => s.name === 'GET /api/products/:sku')!
    expect(root.startTimeUnixNano).toBe(1_735_689_600_123_456_789n)
    expect(root.endTimeUnixNano).toBe(1_735_689_601_999_999_999n)
    expect(root.kind).toBe(2)
    expect(root.events.map((e) => e.name)).toEqual(['exception', 'plain'])
    expect(root.links[0]!.traceState).toBe('l=1')
    expect(root.status).toMatchObject({ code: 2, message: 'payment failed' })
  })

  it('encodes nanosecond times exactly', () => {
    const spans = makeSpans()
    for (const s of spans) {
      const decoded = decode(encodeTraceRequest([s])).resourceSpans[0]!.scopeSpans[0]!.spans[0]!
      expect(decoded.startTimeUnixNano).toBe(BigInt(s.startTime[0]) * 1_000_000_000n + BigInt(s.startTime[1]))
      expect(decoded.endTimeUnixNano).toBe(BigInt(s.endTime[0]) * 1_000_000_000n + BigInt(s.endTime[1]))
    }
  })

  it('encodes any HrTime as its exact nanosecond count', () => {
    const exporter = new InMemorySpanExporter()
    const tracer = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('t')
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 999_999_999 }), (seconds, nanos) => {
        exporter.reset()
        tracer.startSpan('t', { startTime: [seconds, nanos] }, ROOT_CONTEXT).end([seconds, nanos])
        const decoded = decode(encodeTraceRequest(exporter.getFinishedSpans())).resourceSpans[0]!.scopeSpans[0]!.spans[0]!
        expect(decoded.startTimeUnixNano).toBe(BigInt(seconds) * 1_000_000_000n + BigInt(nanos))
      }),
      { numRuns: 300 },
    )
  })

  it('encodes an empty batch as an empty request', () => {
    expect(encodeTraceRequest([])).toHaveLength(0)
  })
})
