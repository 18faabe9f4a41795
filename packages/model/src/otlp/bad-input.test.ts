/**
 * Hostile and broken input: decoding never throws, names the field path, and bounds its work;
 * bad ids reject only their item.
 */
import fc from 'fast-check'
import protobuf from 'protobufjs'
import { describe, expect, it } from 'vitest'
import {
  decodeLogs,
  decodeMetrics,
  decodeTraces,
  encodeTraces,
  hexToBytes,
  logRows,
  OtlpDecodeError,
  spanRows,
  validateTraces,
  type AnyValue,
  type Span,
  type TracesRequest,
} from '../index.ts'

const utf8 = (o: unknown): Uint8Array => new TextEncoder().encode(typeof o === 'string' ? o : JSON.stringify(o))

function span(over: Partial<Span> = {}): Span {
  return {
    traceId: hexToBytes('5b8efff798038103d269b633813fc60c')!,
    spanId: hexToBytes('eee19b7ec3c1b174')!,
    traceState: '',
    parentSpanId: new Uint8Array(0),
    flags: 0,
    name: 'op',
    kind: 1,
    startTimeUnixNano: 1000n,
    endTimeUnixNano: 2000n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: null,
    ...over,
  }
}

function request(...spans: Span[]): TracesRequest {
  return { resourceSpans: [{ resource: null, schemaUrl: '', scopeSpans: [{ scope: null, schemaUrl: '', spans }] }] }
}

function decodeError(r: { ok: true } | { ok: false; error: OtlpDecodeError }): OtlpDecodeError {
  if (r.ok) throw new Error('expected a decode error')
  expect(r.error).toBeInstanceOf(OtlpDecodeError)
  return r.error
}

describe('malformed protobuf', () => {
  const body = encodeTraces(request(span({ attributes: [{ key: 'k', value: { type: 'string', value: 'value' } }] }), span()), 'protobuf')

  it('names the innermost field a truncation cuts through', () => {
    const error = decodeError(decodeTraces(body.subarray(0, 40), 'protobuf'))
    expect(error.path).toMatch(/^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]/)
    expect(error.message).toContain(error.path)
  })

  it('gives a value, never an exception, for every prefix of a valid body', () => {
    for (let n = 0; n < body.length; n++) {
      const r = decodeTraces(body.subarray(0, n), 'protobuf')
      if (!r.ok) expect(r.error).toBeInstanceOf(OtlpDecodeError)
    }
  })

  it('rejects an invalid wire type', () => {
    // field 1 (resourceSpans) with wire type 7, which does not exist
    const error = decodeError(decodeTraces(new Uint8Array([0x0f, 0x00]), 'protobuf'))
    expect(error.path).toBe('resourceSpans[0]')
  })

  it('skips a known field sent with another valid wire type, as an unknown field', () => {
    // field 1 as a varint: not a message, so protobufjs skips it like an unknown field
    const r = decodeTraces(new Uint8Array([0x08, 0x05]), 'protobuf')
    expect(r.ok && r.value).toEqual({ resourceSpans: [] })
  })

  it('rejects a length that runs past the end', () => {
    const error = decodeError(decodeTraces(new Uint8Array([0x0a, 0x7f, 0x01]), 'protobuf'))
    expect(error.path).toBe('resourceSpans[0]')
  })

  it('stops at the recursion limit on deep nesting', () => {
    // built by hand: an attribute value of 200 nested arrays, deeper than any encoder would write
    const field = (id: number, inner: Uint8Array): Uint8Array => protobuf.Writer.create().uint32((id << 3) | 2).bytes(inner).finish()
    let value = field(1, new TextEncoder().encode('leaf')) // AnyValue.string_value
    for (let i = 0; i < 200; i++) value = field(5, field(1, value)) // AnyValue.array_value{values}
    const keyValue = Buffer.concat([field(1, new TextEncoder().encode('deep')), field(2, value)])
    const body = field(1, field(2, field(2, field(9, keyValue)))) // request.resourceSpans.scopeSpans.spans.attributes
    const error = decodeError(decodeTraces(body, 'protobuf'))
    expect(error.message).toMatch(/max depth/)
    expect(error.path).toMatch(/^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.attributes\[0\]\.value\.arrayValue/)
  })

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        for (const decode of [decodeTraces, decodeLogs, decodeMetrics]) {
          const r = decode(bytes, 'protobuf')
          if (!r.ok) expect(r.error).toBeInstanceOf(OtlpDecodeError)
        }
      }),
      { numRuns: 500 },
    )
  })
})

describe('malformed JSON', () => {
  it('rejects invalid JSON and invalid UTF-8', () => {
    expect(decodeError(decodeTraces(utf8('{"resourceSpans": ['), 'json')).message).toMatch(/invalid JSON/)
    expect(decodeError(decodeTraces(new Uint8Array([0x7b, 0xff, 0x7d]), 'json')).message).toMatch(/UTF-8/)
    expect(decodeError(decodeTraces(utf8('[]'), 'json')).path).toBe('')
  })

  it('names the path of a value of the wrong type', () => {
    const wrongType = { resourceSpans: [{ scopeSpans: [{ spans: [{}, { name: 5 }] }] }] }
    expect(decodeError(decodeTraces(utf8(wrongType), 'json')).path).toBe('resourceSpans[0].scopeSpans[0].spans[1].name')
    const badInt = { resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: '12ab' }] }] }] }
    expect(decodeError(decodeTraces(utf8(badInt), 'json')).path).toBe('resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano')
    const fraction = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: 1.5 }] }] }] }
    expect(decodeError(decodeLogs(utf8(fraction), 'json')).path).toBe('resourceLogs[0].scopeLogs[0].logRecords[0].timeUnixNano')
    const badEnum = { resourceSpans: [{ scopeSpans: [{ spans: [{ kind: 'SPAN_KIND_WHATEVER' }] }] }] }
    expect(decodeError(decodeTraces(utf8(badEnum), 'json')).path).toBe('resourceSpans[0].scopeSpans[0].spans[0].kind')
    const badAttr = { resourceSpans: [{ resource: { attributes: [{ key: 'a', value: { boolValue: 'yes' } }] } }] }
    expect(decodeError(decodeTraces(utf8(badAttr), 'json')).path).toBe('resourceSpans[0].resource.attributes[0].value.boolValue')
    const badPoint = { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', histogram: { dataPoints: [{ bucketCounts: ['1', 'x'] }] } }] }] }] }
    expect(decodeError(decodeMetrics(utf8(badPoint), 'json')).path).toBe('resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints[0].bucketCounts[1]')
  })

  it('rejects bad hex in ids with the path of the id', () => {
    for (const traceId of ['zz8efff798038103d269b633813fc60c', 'abc', 42]) {
      const body = { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId }] }] }] }
      expect(decodeError(decodeTraces(utf8(body), 'json')).path).toBe('resourceSpans[0].scopeSpans[0].spans[0].traceId')
    }
  })

  it('bounds value nesting', () => {
    const levels = 5000
    const value = '{"arrayValue":{"values":['.repeat(levels) + '{"stringValue":"leaf"}' + ']}}'.repeat(levels)
    const body = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"deep","value":${value}}]}]}]}]}`
    expect(decodeError(decodeTraces(utf8(body), 'json')).message).toMatch(/nesting deeper than 24/)
  })

  it('decodes only what it can encode again: the deepest JSON value it accepts fits protobuf', () => {
    const levels = 24
    const value = '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(levels) + '{"stringValue":"leaf"}' + '}]}}'.repeat(levels)
    const body = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"deep","value":${value}}]}]}]}]}`
    const decoded = decodeTraces(utf8(body), 'json')
    if (!decoded.ok) throw decoded.error
    const again = decodeTraces(encodeTraces(decoded.value, 'protobuf'), 'protobuf')
    expect(again.ok && again.value).toEqual(decoded.value)
  })

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const wrapped = { resourceSpans: [{ scopeSpans: [{ spans: [v] }] }], resourceLogs: [v], resourceMetrics: [{ scopeMetrics: [{ metrics: [v] }] }] }
        for (const decode of [decodeTraces, decodeLogs, decodeMetrics]) {
          for (const body of [v, wrapped]) {
            const r = decode(utf8(body), 'json')
            if (!r.ok) expect(r.error).toBeInstanceOf(OtlpDecodeError)
          }
        }
      }),
      { numRuns: 300 },
    )
  })
})

describe('bad items', () => {
  it('rejects wrong-length and zero ids per item, keeping the others', () => {
    const req = request(
      span({ name: 'good' }),
      span({ traceId: new Uint8Array(8).fill(1) }),
      span({ traceId: new Uint8Array(16) }),
      span({ spanId: new Uint8Array(0) }),
      span({ spanId: new Uint8Array(8) }),
      span({ parentSpanId: new Uint8Array(4).fill(1) }),
      span({ endTimeUnixNano: 999n }),
      span({ startTimeUnixNano: 0n, endTimeUnixNano: 0n }),
      span({ links: [{ traceId: new Uint8Array(16).fill(2), spanId: new Uint8Array(3), traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 }] }),
      span({ name: 'root with zero parent', parentSpanId: new Uint8Array(8) }),
    )
    for (const encoding of ['protobuf', 'json'] as const) {
      const decoded = decodeTraces(encodeTraces(req, encoding), encoding)
      if (!decoded.ok) throw decoded.error
      const { rows, rejected } = spanRows(decoded.value, 't')
      expect(rows.map((r) => [r.SpanName, r.ParentSpanId])).toEqual([
        ['good', ''],
        ['root with zero parent', ''],
      ])
      const at = (k: number, field: string): string => `resourceSpans[0].scopeSpans[0].spans[${k}].${field}`
      expect(rejected).toEqual([
        { path: at(1, 'traceId'), reason: 'trace id must be 16 bytes, got 8' },
        { path: at(2, 'traceId'), reason: 'trace id is all zeros' },
        { path: at(3, 'spanId'), reason: 'span id must be 8 bytes, got 0' },
        { path: at(4, 'spanId'), reason: 'span id is all zeros' },
        { path: at(5, 'parentSpanId'), reason: 'parent span id must be empty or 8 bytes, got 4' },
        { path: at(6, 'endTimeUnixNano'), reason: 'end before start' },
        { path: at(7, 'startTimeUnixNano'), reason: 'start time is missing' },
        { path: at(8, 'links[0].spanId'), reason: 'link span id must be 8 bytes, got 3' },
      ])
      // the collector's filter agrees with the row builder
      const validated = validateTraces(decoded.value)
      expect(validated.rejected).toEqual(rejected)
      expect(validated.request.resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.name)).toEqual(['good', 'root with zero parent'])
    }
  })

  it('rejects an item whose attributes nest deeper than 16 levels when flattened', () => {
    const nest = (levels: number): AnyValue => {
      let v: AnyValue = { type: 'string', value: 'leaf' }
      for (let i = 0; i < levels; i++) v = i % 2 ? { type: 'array', value: [v] } : { type: 'kvlist', value: [{ key: 'k', value: v }] }
      return v
    }
    const { rows, rejected } = spanRows(request(span({ name: 'ok', attributes: [{ key: 'a', value: nest(16) }] }), span({ attributes: [{ key: 'a', value: nest(17) }] })), 't')
    expect(rows.map((r) => r.SpanName)).toEqual(['ok'])
    expect(rejected).toEqual([{ path: 'resourceSpans[0].scopeSpans[0].spans[1].attributes', reason: 'value nested deeper than 16 levels' }])
  })

  it('rejects every item under a resource whose attributes nest too deep', () => {
    let v: AnyValue = { type: 'string', value: 'x' }
    for (let i = 0; i < 20; i++) v = { type: 'kvlist', value: [{ key: 'k', value: v }] }
    const req: TracesRequest = {
      resourceSpans: [{ resource: { attributes: [{ key: 'r', value: v }], droppedAttributesCount: 0, entityRefs: [] }, schemaUrl: '', scopeSpans: [{ scope: null, schemaUrl: '', spans: [span(), span()] }] }],
    }
    const { rows, rejected } = spanRows(req, 't')
    expect(rows).toEqual([])
    expect(rejected.map((r) => r.path)).toEqual(['resourceSpans[0].scopeSpans[0].spans[0]', 'resourceSpans[0].scopeSpans[0].spans[1]'])
    expect(validateTraces(req).rejected).toEqual(rejected)
  })

  it('rejects log records with wrong-length ids but keeps zero ids as absent', () => {
    const record = { timeUnixNano: 1n, observedTimeUnixNano: 0n, severityNumber: 9, severityText: '', body: null, attributes: [], droppedAttributesCount: 0, flags: 0, eventName: '' }
    const { rows, rejected } = logRows(
      {
        resourceLogs: [
          {
            resource: null,
            schemaUrl: '',
            scopeLogs: [
              {
                scope: null,
                schemaUrl: '',
                logRecords: [
                  { ...record, traceId: new Uint8Array(16), spanId: new Uint8Array(8) },
                  { ...record, traceId: new Uint8Array(15).fill(1), spanId: new Uint8Array(0) },
                  { ...record, timeUnixNano: 0n, traceId: new Uint8Array(0), spanId: new Uint8Array(0) },
                ],
              },
            ],
          },
        ],
      },
      't',
    )
    expect(rows.map((r) => [r.TraceId, r.SpanId])).toEqual([['', '']])
    expect(rejected).toEqual([
      { path: 'resourceLogs[0].scopeLogs[0].logRecords[1].traceId', reason: 'trace id must be empty or 16 bytes, got 15' },
      { path: 'resourceLogs[0].scopeLogs[0].logRecords[2].timeUnixNano', reason: 'time and observed time are both missing' },
    ])
  })
})
