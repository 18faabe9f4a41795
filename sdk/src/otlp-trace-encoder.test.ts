import { decodeTraces } from '@periscope/model'
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type HrTime, type Link, type SpanContext } from '@opentelemetry/api'
import { TraceState } from '@opentelemetry/core'
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createSpanBatch, encodeTraceRequest } from './otlp-trace-encoder.ts'

/** Spans from the real SDK covering every field it sets, from two resources and several scopes. */
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
    const child = a.getTracer('express').startSpan(`kind ${kind}`, { kind, startTime: [1_800_000_000, 1] }, trace.setSpan(ROOT_CONTEXT, root))
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

type Scope = ReadableSpan['instrumentationScope'] & { attributes?: Record<string, unknown>; droppedAttributesCount?: number }

/**
 * A ReadableSpan made by hand, to reach what the SDK's API does not produce (bytes and nested
 * values, scope attributes, dropped counts, schema URLs, an unspecified kind).
 */
function handMade(fields: {
  name?: string
  kind?: SpanKind
  context?: SpanContext
  parent?: SpanContext
  attributes?: Record<string, unknown>
  events?: ReadableSpan['events']
  links?: ReadableSpan['links']
  status?: ReadableSpan['status']
  resource?: ReadableSpan['resource']
  scope?: Scope
  start?: HrTime
  end?: HrTime
  dropped?: [number, number, number]
}): ReadableSpan {
  const context = fields.context ?? { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', traceFlags: 1 }
  return {
    name: fields.name ?? 'hand made',
    kind: fields.kind as SpanKind,
    spanContext: () => context,
    parentSpanContext: fields.parent,
    startTime: fields.start ?? [1_700_000_000, 5],
    endTime: fields.end ?? [1_700_000_001, 6],
    status: fields.status ?? { code: SpanStatusCode.UNSET },
    attributes: (fields.attributes ?? {}) as ReadableSpan['attributes'],
    links: fields.links ?? [],
    events: fields.events ?? [],
    duration: [1, 1],
    ended: true,
    resource: fields.resource ?? handResource,
    instrumentationScope: fields.scope ?? handScope,
    droppedAttributesCount: fields.dropped?.[0] ?? 0,
    droppedEventsCount: fields.dropped?.[1] ?? 0,
    droppedLinksCount: fields.dropped?.[2] ?? 0,
  }
}

const handScope: Scope = { name: 'hand', version: '2.0.0' }
const handResource = resourceFromAttributes({ 'service.name': 'hand', 'deployment.environment.name': 'test' }, { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' })

/** Every AnyValue type, nesting and size boundary (lengths 127/128 and 16383/16384 need another length byte). */
const EVERY_VALUE: Record<string, unknown> = {
  s: 'plain',
  empty: '',
  unicode: 'naïve café — ✓ 𝄞 日本',
  // strings past 24 characters are written natively: ASCII, and UTF-8 whose length needs another byte
  'ascii.25': 'a'.repeat(25),
  'unicode.25': 'é'.repeat(25),
  'unicode.70': 'a'.repeat(60) + 'é'.repeat(10),
  'unicode.120': 'a'.repeat(100) + 'é'.repeat(20),
  'astral.40': '𝄞'.repeat(40),
  'lone.surrogate': 'a\ud800b'.repeat(10),
  'near.127': 'y'.repeat(127 - 4 - 10),
  'near.128': 'y'.repeat(128 - 4 - 10),
  long127: 'z'.repeat(127),
  long128: 'z'.repeat(128),
  long16384: 'w'.repeat(16_384),
  zero: 0,
  negativeZero: -0,
  max: Number.MAX_SAFE_INTEGER,
  min: Number.MIN_SAFE_INTEGER,
  int: 200,
  negative: -1,
  double: -0.125,
  nan: Number.NaN,
  infinity: Number.POSITIVE_INFINITY,
  yes: true,
  no: false,
  nothing: null,
  absent: undefined,
  bytes: new Uint8Array([0, 1, 254, 255]),
  noBytes: new Uint8Array(0),
  strings: ['a', '', 'é'],
  mixed: [1, 'two', true, null, 2.5],
  nested: [[1, 2], ['x']],
  noItems: [],
  kvlist: { a: 1, b: 'two', c: { d: [true] } },
  noKeys: {},
}

function decode(bytes: Uint8Array) {
  const result = decodeTraces(bytes, 'protobuf')
  if (!result.ok) throw new Error(`decode failed: ${result.error.message}`)
  return result.value
}

/** What the official serializer's request decodes to. */
function reference(spans: ReadableSpan[]) {
  const bytes = ProtobufTraceSerializer.serializeRequest(spans)
  if (bytes === undefined) throw new Error('reference serializer produced nothing')
  return decode(bytes)
}

describe('encodeTraceRequest', () => {
  it('decodes to exactly what the official OpenTelemetry protobuf serializer produces', () => {
    const spans = makeSpans()
    const ours = decode(encodeTraceRequest(spans))
    expect(ours).toEqual(reference(spans))
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

  it('matches the official serializer for every value type, events, links, statuses, dropped counts, resource and scope', () => {
    const remote: SpanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true, traceState: new TraceState('a=1') }
    const spans = [
      handMade({ name: 'every value', kind: SpanKind.CLIENT, attributes: EVERY_VALUE, dropped: [3, 4, 5] }),
      handMade({
        name: 'events and links',
        kind: undefined,
        parent: remote,
        context: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: '1111111111111111', traceFlags: 0, traceState: new TraceState('k=v') },
        events: [
          { name: 'with values', time: [1_700_000_000, 999_999_999], attributes: EVERY_VALUE as ReadableSpan['attributes'], droppedAttributesCount: 2 },
          { name: 'bare', time: [0, 0] },
          { name: '', time: [1, 1], attributes: {} },
        ],
        links: [
          { context: remote, attributes: { weight: 0.5, tags: ['a'] }, droppedAttributesCount: 1 },
          { context: { traceId: 'ffffffffffffffffffffffffffffffff', spanId: 'ffffffffffffffff', traceFlags: 1 } },
        ],
        status: { code: SpanStatusCode.ERROR, message: 'ünïcode failure' },
      }),
      handMade({ name: 'ok with message', status: { code: SpanStatusCode.OK, message: 'fine' } }),
      handMade({ name: 'unset with message', status: { code: SpanStatusCode.UNSET, message: 'ignored?' } }),
      handMade({ name: 'scoped', scope: { name: 'scoped', version: undefined, schemaUrl: 'https://example.com/scope', attributes: { 'scope.attr': 'x', n: 1 }, droppedAttributesCount: 2 } }),
      handMade({ name: 'empty scope attributes', scope: { name: 'scoped2', version: '', attributes: {}, droppedAttributesCount: 1 } }),
      handMade({ name: 'other resource', resource: resourceFromAttributes({ 'service.name': 'other', list: ['a', 'b'] }) }),
      handMade({ name: 'é'.repeat(100), kind: SpanKind.PRODUCER }),
    ]
    expect(decode(encodeTraceRequest(spans))).toEqual(reference(spans))
  })

  it('groups by resource object, then scope object, in first-seen order, however the spans interleave', () => {
    const r1 = resourceFromAttributes({ 'service.name': 'one' })
    const r2 = resourceFromAttributes({ 'service.name': 'two' })
    const s1 = { name: 'a', version: '1' }
    const s1again = { name: 'a', version: '1' } // another object (the SDK never makes one): another group, as the official serializer does
    const s2 = { name: 'b' }
    const spans = [
      handMade({ name: '1', resource: r1, scope: s1 }),
      handMade({ name: '2', resource: r2, scope: s2 }),
      handMade({ name: '3', resource: r1, scope: s2 }),
      handMade({ name: '4', resource: r1, scope: s1again }),
      handMade({ name: '5', resource: r2, scope: s1 }),
      handMade({ name: '6', resource: r1, scope: s1 }),
    ]
    const ours = decode(encodeTraceRequest(spans))
    expect(ours).toEqual(reference(spans))
    expect(ours.resourceSpans.map((rs) => rs.scopeSpans.map((ss) => ss.spans.map((s) => s.name).join('')))).toEqual([['16', '3', '4'], ['2', '5']])
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
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 999_999_999 }), (seconds, nanos) => {
        const decoded = decode(encodeTraceRequest([handMade({ start: [seconds, nanos], end: [seconds, nanos] })])).resourceSpans[0]!.scopeSpans[0]!.spans[0]!
        expect(decoded.startTimeUnixNano).toBe(BigInt(seconds) * 1_000_000_000n + BigInt(nanos))
      }),
      { numRuns: 300 },
    )
  })

  it('encodes an empty batch as an empty request', () => {
    expect(encodeTraceRequest([])).toHaveLength(0)
  })
})

describe('SpanBatch', () => {
  // Keys and values drawn from small pools repeat (and fill the batch's caches: some keys get
  // more than 32 distinct values), others are fresh; unicode and long strings reach the slow paths.
  const key = fc.oneof(fc.constantFrom('http.request.method', 'http.route', 'url.path', 'request_id', 'server.port', 'k'), fc.string({ minLength: 1, maxLength: 12 }))
  const text = fc.oneof(
    fc.constantFrom('GET', 'POST', '/api/x', '', 'é'),
    fc.string({ maxLength: 20 }),
    fc.string({ minLength: 20, maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.string({ unit: 'grapheme', minLength: 20, maxLength: 80 }),
    fc.string({ minLength: 120, maxLength: 140 }),
  )
  const value = fc.oneof(text, fc.integer(), fc.constantFrom(200, 404, -1), fc.double(), fc.boolean(), fc.array(text, { maxLength: 3 }), fc.array(fc.integer(), { maxLength: 3 }))
  const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`))
  const span = fc.record({
    name: fc.oneof(fc.constantFrom('GET /', 'SELECT', 'é'), fc.string({ maxLength: 30 })),
    kind: fc.constantFrom(SpanKind.SERVER, SpanKind.CLIENT, SpanKind.INTERNAL),
    traceId: fc.oneof(fc.constant('0af7651916cd43dd8448eb211c80319c'), hex(32)),
    spanId: fc.oneof(fc.constant('b7ad6b7169203331'), hex(16)),
    parentId: fc.option(fc.oneof(fc.constant('b7ad6b7169203331'), hex(16)), { nil: undefined }),
    attributes: fc.dictionary(key, value, { maxKeys: 12 }),
    scope: fc.constantFrom('http', 'db', 'user'),
  })

  it('keeps matching the official serializer batch after batch while its caches learn', () => {
    const batch = createSpanBatch()
    fc.assert(
      fc.property(fc.array(span, { minLength: 1, maxLength: 20 }), (drawn) => {
        const spans = drawn.map((d) =>
          handMade({
            name: d.name,
            kind: d.kind,
            context: { traceId: d.traceId, spanId: d.spanId, traceFlags: 1 },
            parent: d.parentId === undefined ? undefined : { traceId: d.traceId, spanId: d.parentId, traceFlags: 1 },
            attributes: d.attributes,
            scope: { name: d.scope },
          }),
        )
        for (const s of spans) batch.add(s)
        expect(batch.spanCount).toBe(spans.length)
        expect(decode(batch.take())).toEqual(reference(spans))
        expect(batch.spanCount).toBe(0)
        expect(batch.sizeBytes).toBe(0)
      }),
      { numRuns: 400 },
    )
  })

  it('leaves the batch as it was when a span cannot be encoded', () => {
    const batch = createSpanBatch()
    const good = [handMade({ name: 'before' }), handMade({ name: 'after', attributes: { a: 'b' } })]
    const poisoned: Record<string, unknown> = { fine: 'x' }
    Object.defineProperty(poisoned, 'bad', { enumerable: true, get: () => { throw new Error('getter failed') } })
    batch.add(good[0]!)
    const size = batch.sizeBytes
    expect(() => batch.add(handMade({ name: 'poisoned', attributes: poisoned }))).toThrow('getter failed')
    expect(batch.spanCount).toBe(1)
    expect(batch.sizeBytes).toBe(size)
    batch.add(good[1]!)
    expect(decode(batch.take())).toEqual(reference(good))
  })

  it('counts bytes, and says when its resources are still being detected', async () => {
    const batch = createSpanBatch()
    expect(batch.resourcesSettled()).toBeUndefined()
    batch.add(handMade({}))
    expect(batch.sizeBytes).toBeGreaterThan(40)
    let settle = (): void => undefined
    const detected = new Promise<void>((resolve) => (settle = resolve))
    const pending = { ...handResource, attributes: handResource.attributes, schemaUrl: undefined, asyncAttributesPending: true, waitForAsyncAttributes: () => detected } as unknown as ReadableSpan['resource']
    batch.add(handMade({ resource: pending }))
    const waiting = batch.resourcesSettled()
    expect(waiting).toBeInstanceOf(Promise)
    let resolved = false
    void waiting!.then(() => (resolved = true))
    await Promise.resolve()
    expect(resolved).toBe(false)
    settle()
    await waiting
    expect(resolved).toBe(true)
  })
})
