import { describe, expect, it } from 'vitest'
import { MAX_VALUE_DEPTH, type AnyValue, type Span } from '@periscope/model'
import { DEFAULT_ITEM_RULES, rejectionMessage, truncateUtf8, type ItemRules } from './item-rules.ts'
import { validateRequest } from './validate-request.ts'
import { T0_MS, T0_NS, bytesOf, gauge, logRecord, logs, metrics, numberPoint, span, str, traces } from '../testing/otlp-fixtures.ts'

const rules: ItemRules = { ...DEFAULT_ITEM_RULES, maxAttributes: 3, maxAttributeValueBytes: 12, maxLogBodyBytes: 10 }
const rejecting: ItemRules = { ...rules, onLimit: 'reject' }
const HOUR_NS = 3_600_000_000_000n

describe('span rules', () => {
  it('keeps a valid span untouched', () => {
    const req = traces([span()])
    const tally = validateRequest('traces', req, rules, T0_MS)
    expect(tally).toMatchObject({ received: 1, rejected: 0, truncatedBy: {} })
    expect(req.resourceSpans[0]!.scopeSpans[0]!.spans).toHaveLength(1)
  })

  it.each([
    ['short trace id', { traceId: bytesOf('01020304') }, 'invalid_trace_id'],
    ['zero trace id', { traceId: new Uint8Array(16) }, 'invalid_trace_id'],
    ['empty span id', { spanId: new Uint8Array(0) }, 'invalid_span_id'],
    ['zero span id', { spanId: new Uint8Array(8) }, 'invalid_span_id'],
    ['long span id', { spanId: new Uint8Array(16).fill(1) }, 'invalid_span_id'],
    ['bad parent', { parentSpanId: bytesOf('0102') }, 'invalid_parent_span_id'],
    ['zero start', { startTimeUnixNano: 0n, endTimeUnixNano: 0n }, 'invalid_timestamp'],
    ['end before start', { endTimeUnixNano: T0_NS - 1n }, 'invalid_timestamp'],
    ['too old', { startTimeUnixNano: T0_NS - 8n * 24n * HOUR_NS, endTimeUnixNano: T0_NS }, 'invalid_timestamp'],
    ['future', { startTimeUnixNano: T0_NS + 2n * HOUR_NS, endTimeUnixNano: T0_NS + 3n * HOUR_NS }, 'invalid_timestamp'],
    ['bad link', { links: [{ traceId: new Uint8Array(16), spanId: bytesOf('0102030405060708'), traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 }] }, 'invalid_link'],
  ] as const)('rejects a span with %s', (_name, overrides, reason) => {
    const req = traces([span(), span(overrides as Partial<Span>), span()])
    const tally = validateRequest('traces', req, rules, T0_MS)
    expect(tally.received).toBe(3)
    expect(tally.rejected).toBe(1)
    expect(tally.rejectedBy).toEqual({ [reason]: 1 })
    expect(tally.firstRejection).toContain('resourceSpans[0].scopeSpans[0].spans[1]')
    expect(req.resourceSpans[0]!.scopeSpans[0]!.spans).toHaveLength(2)
  })

  it('clears an all-zero parent span id (a root span)', () => {
    const req = traces([span({ parentSpanId: new Uint8Array(8) })])
    expect(validateRequest('traces', req, rules, T0_MS).rejected).toBe(0)
    expect(req.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.parentSpanId).toHaveLength(0)
  })

  it('truncates attribute lists and long values, counting both', () => {
    const s = span({ attributes: [str('a', 'x'), str('b', '1234567890123'), str('c', 'y'), str('d', 'z'), str('e', 'w')] })
    const req = traces([s])
    const tally = validateRequest('traces', req, rules, T0_MS)
    expect(tally.rejected).toBe(0)
    expect(s.attributes).toEqual([str('a', 'x'), str('b', '123456789012'), str('c', 'y')])
    expect(s.droppedAttributesCount).toBe(2)
    expect(tally.truncatedBy).toEqual({ too_many_attributes: 1, attribute_too_large: 1 })
  })

  it('rejects instead when configured to', () => {
    const req = traces([span({ attributes: [str('b', '1234567890123')] }), span({ attributes: [str('a', '1'), str('b', '2'), str('c', '3'), str('d', '4')] })])
    const tally = validateRequest('traces', req, rejecting, T0_MS)
    expect(tally.rejectedBy).toEqual({ attribute_too_large: 1, too_many_attributes: 1 })
    expect(req.resourceSpans[0]!.scopeSpans[0]!.spans).toHaveLength(0)
  })

  it('checks nested values and event attributes', () => {
    const nested = span({
      attributes: [{ key: 'k', value: { type: 'array', value: [{ type: 'string', value: 'long-long-long' }] } }],
      events: [{ timeUnixNano: T0_NS, name: 'e', attributes: [str('msg', 'abcdefghijklm')], droppedAttributesCount: 0 }],
    })
    const tally = validateRequest('traces', traces([nested]), rules, T0_MS)
    expect(tally.truncatedBy.attribute_too_large).toBe(2)
    expect(nested.attributes[0]!.value).toEqual({ type: 'array', value: [{ type: 'string', value: 'long-long-lo' }] })
    expect(nested.events[0]!.attributes[0]!.value).toEqual({ type: 'string', value: 'abcdefghijkl' })
  })

  it('rejects or empties values nested deeper than the model accepts', () => {
    const deep = (levels: number): AnyValue => (levels === 0 ? { type: 'string', value: 'x' } : { type: 'array', value: [deep(levels - 1)] })
    // MAX_VALUE_DEPTH nested arrays are fine, one more is too deep
    expect(validateRequest('traces', traces([span({ attributes: [{ key: 'k', value: deep(MAX_VALUE_DEPTH) }] })]), rejecting, T0_MS).rejected).toBe(0)
    const tooDeep = () => span({ attributes: [{ key: 'k', value: deep(MAX_VALUE_DEPTH + 1) }] })
    expect(validateRequest('traces', traces([tooDeep()]), rejecting, T0_MS).rejectedBy).toEqual({ attribute_too_deep: 1 })
    const cut = tooDeep()
    const tally = validateRequest('traces', traces([cut]), rules, T0_MS)
    expect(tally).toMatchObject({ rejected: 0, truncatedBy: { attribute_too_deep: 1 } })
    let v = cut.attributes[0]!.value
    for (let i = 0; i < MAX_VALUE_DEPTH; i++) v = v.type === 'array' ? v.value[0]! : v
    expect(v).toEqual({ type: 'empty' })
  })

  it('always truncates resource attributes, even in reject mode', () => {
    const req = traces([span()], 'a-very-long-service-name')
    const tally = validateRequest('traces', req, rejecting, T0_MS)
    expect(tally.rejected).toBe(0)
    expect(req.resourceSpans[0]!.resource!.attributes[0]!.value).toEqual({ type: 'string', value: 'a-very-long-' })
  })

  it('writes a bounded partial-success message', () => {
    const tally = validateRequest('traces', traces([span({ traceId: new Uint8Array(3) }), span(), span({ spanId: new Uint8Array(0) })]), rules, T0_MS)
    expect(rejectionMessage(tally, 'spans')).toBe(
      'rejected 2 of 3 spans (1 invalid_trace_id, 1 invalid_span_id); first: resourceSpans[0].scopeSpans[0].spans[0]: invalid trace id',
    )
  })
})

describe('log rules', () => {
  it('accepts records without ids and clears all-zero ids', () => {
    const r = logRecord({ traceId: new Uint8Array(16), spanId: new Uint8Array(8) })
    const req = logs([logRecord(), r])
    expect(validateRequest('logs', req, rules, T0_MS).rejected).toBe(0)
    expect(r.traceId).toHaveLength(0)
    expect(r.spanId).toHaveLength(0)
  })

  it('uses the observed time when the time is absent, and rejects records with neither', () => {
    const req = logs([logRecord({ timeUnixNano: 0n }), logRecord({ timeUnixNano: 0n, observedTimeUnixNano: 0n })])
    const tally = validateRequest('logs', req, rules, T0_MS)
    expect(tally.rejectedBy).toEqual({ invalid_timestamp: 1 })
  })

  it('rejects wrong-length ids', () => {
    const tally = validateRequest('logs', logs([logRecord({ traceId: new Uint8Array(5).fill(1) }), logRecord({ spanId: new Uint8Array(3).fill(1) })]), rules, T0_MS)
    expect(tally.rejectedBy).toEqual({ invalid_trace_id: 1, invalid_span_id: 1 })
  })

  it('truncates a long body at a character boundary', () => {
    const r = logRecord({ body: { type: 'string', value: 'ééééééé' } }) // 14 bytes
    validateRequest('logs', logs([r]), rules, T0_MS)
    expect(r.body).toEqual({ type: 'string', value: 'ééééé' })
  })
})

describe('metric rules', () => {
  it('counts points as items and rejects bad ones', () => {
    const req = metrics([gauge('m', [numberPoint(), numberPoint({ timeUnixNano: 0n }), numberPoint({ startTimeUnixNano: T0_NS + 1n })])])
    const tally = validateRequest('metrics', req, rules, T0_MS)
    expect(tally).toMatchObject({ received: 3, rejected: 2, rejectedBy: { invalid_timestamp: 2 } })
    const kept = req.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.data
    expect(kept.type === 'gauge' && kept.dataPoints.length).toBe(1)
  })

  it('rejects metrics without a name or a kind, and drops metrics left empty', () => {
    const noKind = { name: 'x', description: '', unit: '', data: { type: 'none' as const }, metadata: [] }
    const req = metrics([gauge('', [numberPoint(), numberPoint()]), noKind, gauge('bad', [numberPoint({ timeUnixNano: 0n })]), gauge('ok', [numberPoint()])])
    const tally = validateRequest('metrics', req, rules, T0_MS)
    expect(tally).toMatchObject({ received: 5, rejected: 4, rejectedBy: { invalid_metric: 3, invalid_timestamp: 1 } })
    expect(req.resourceMetrics[0]!.scopeMetrics[0]!.metrics.map((m) => m.name)).toEqual(['ok'])
  })

  it('rejects histograms whose buckets do not fit their bounds', () => {
    const point = { attributes: [], startTimeUnixNano: 0n, timeUnixNano: T0_NS, count: 3n, sum: 1, bucketCounts: [1n, 2n], explicitBounds: [1, 2], exemplars: [], flags: 0, min: null, max: null }
    const req = metrics([{ name: 'h', description: '', unit: '', data: { type: 'histogram', dataPoints: [point], aggregationTemporality: 2 }, metadata: [] }])
    expect(validateRequest('metrics', req, rules, T0_MS).rejectedBy).toEqual({ invalid_metric: 1 })
  })
})

describe('truncateUtf8', () => {
  it('never splits a character', () => {
    expect(truncateUtf8('a€b', 2)).toBe('a') // € is 3 bytes
    expect(truncateUtf8('a€b', 4)).toBe('a€')
    expect(truncateUtf8('😀😀', 5)).toBe('😀')
    expect(truncateUtf8('abc', 3)).toBe('abc')
  })
})
