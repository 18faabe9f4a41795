import { describe, expect, it } from 'vitest'
import {
  countItems,
  decodeMetrics,
  decodeTraces,
  groupSpansByTrace,
  hexToBytes,
  keyValuesOf,
  splitBySize,
  type LogsRequest,
  type Metric,
  type MetricsRequest,
  type Resource,
  type Span,
  type TracesRequest,
} from './index.ts'

function span(traceHex: string, name: string, attrBytes = 0): Span {
  return {
    traceId: hexToBytes(traceHex.repeat(32 / traceHex.length))!,
    spanId: hexToBytes('0102030405060708')!,
    traceState: '',
    parentSpanId: new Uint8Array(0),
    flags: 0,
    name,
    kind: 1,
    startTimeUnixNano: 1n,
    endTimeUnixNano: 2n,
    attributes: attrBytes ? keyValuesOf({ pad: 'x'.repeat(attrBytes) }) : [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: null,
  }
}

const resA: Resource = { attributes: keyValuesOf({ 'service.name': 'a' }), droppedAttributesCount: 0, entityRefs: [] }
const resB: Resource = { attributes: keyValuesOf({ 'service.name': 'b' }), droppedAttributesCount: 0, entityRefs: [] }
const scope = (name: string) => ({ name, version: '', attributes: [], droppedAttributesCount: 0 })

const mixed: TracesRequest = {
  resourceSpans: [
    {
      resource: resA,
      schemaUrl: 'ra',
      scopeSpans: [
        { scope: scope('s1'), schemaUrl: '', spans: [span('aa', 'a1'), span('bb', 'b1'), span('aa', 'a2')] },
        { scope: scope('s2'), schemaUrl: '', spans: [span('bb', 'b2')] },
      ],
    },
    { resource: resB, schemaUrl: '', scopeSpans: [{ scope: null, schemaUrl: '', spans: [span('aa', 'a3')] }] },
  ],
}

describe('groupSpansByTrace', () => {
  it('regroups spans by trace id, keeping each span with its resource and scope', () => {
    const groups = groupSpansByTrace(mixed)
    expect([...groups.keys()]).toEqual(['a'.repeat(32), 'b'.repeat(32)])
    expect(groups.get('a'.repeat(32))).toEqual({
      resourceSpans: [
        { resource: resA, schemaUrl: 'ra', scopeSpans: [{ scope: scope('s1'), schemaUrl: '', spans: [span('aa', 'a1'), span('aa', 'a2')] }] },
        { resource: resB, schemaUrl: '', scopeSpans: [{ scope: null, schemaUrl: '', spans: [span('aa', 'a3')] }] },
      ],
    })
    expect(groups.get('b'.repeat(32))).toEqual({
      resourceSpans: [
        {
          resource: resA,
          schemaUrl: 'ra',
          scopeSpans: [
            { scope: scope('s1'), schemaUrl: '', spans: [span('bb', 'b1')] },
            { scope: scope('s2'), schemaUrl: '', spans: [span('bb', 'b2')] },
          ],
        },
      ],
    })
    expect([...groups.values()].reduce((n, r) => n + countItems('traces', r), 0)).toBe(countItems('traces', mixed))
  })
})

describe('countItems', () => {
  it('counts spans, log records and data points', () => {
    expect(countItems('traces', mixed)).toBe(5)
    const logs: LogsRequest = { resourceLogs: [{ resource: null, schemaUrl: '', scopeLogs: [{ scope: null, schemaUrl: '', logRecords: [] }, { scope: null, schemaUrl: '', logRecords: new Array(3).fill(null) }] }] }
    expect(countItems('logs', logs)).toBe(3)
    const point = { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 1n, flags: 0, value: null, exemplars: [] }
    const metrics: MetricsRequest = {
      resourceMetrics: [
        {
          resource: null,
          schemaUrl: '',
          scopeMetrics: [
            {
              scope: null,
              schemaUrl: '',
              metrics: [
                { name: 'g', description: '', unit: '', metadata: [], data: { type: 'gauge', dataPoints: [point, point] } },
                { name: 'n', description: '', unit: '', metadata: [], data: { type: 'none' } },
                { name: 's', description: '', unit: '', metadata: [], data: { type: 'sum', aggregationTemporality: 2, isMonotonic: true, dataPoints: [point] } },
              ],
            },
          ],
        },
      ],
    }
    expect(countItems('metrics', metrics)).toBe(3)
  })
})

describe('splitBySize', () => {
  it('returns the request as one record when it fits', () => {
    const { records, oversized } = splitBySize('traces', mixed, 1 << 20)
    expect(oversized).toEqual([])
    expect(records).toHaveLength(1)
    expect(records[0]!.request).toBe(mixed)
    expect(records[0]!.items).toBe(5)
  })

  it('splits into records under the limit, keeping every span in order, and reports single spans over it', () => {
    const spans = Array.from({ length: 40 }, (_, i) => span('ab', `s${i}`, i === 17 ? 5000 : 100))
    const req: TracesRequest = { resourceSpans: [{ resource: resA, schemaUrl: '', scopeSpans: [{ scope: scope('x'), schemaUrl: '', spans }] }] }
    const maxBytes = 1024
    const { records, oversized } = splitBySize('traces', req, maxBytes)
    expect(records.length).toBeGreaterThan(4)
    for (const r of records) {
      expect(r.bytes.length).toBeLessThanOrEqual(maxBytes)
      const decoded = decodeTraces(r.bytes, 'protobuf')
      expect(decoded.ok && decoded.value).toEqual(r.request)
      expect(r.request.resourceSpans[0]!.resource).toEqual(resA)
    }
    const names = records.flatMap((r) => r.request.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))))
    expect(names).toEqual(spans.map((s) => s.name).filter((n) => n !== 's17'))
    expect(oversized).toHaveLength(1)
    expect(oversized[0]!.resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.name)).toEqual(['s17'])
  })

  it('splits one metric with many points by its data points', () => {
    const dataPoints = Array.from({ length: 200 }, (_, i) => ({
      attributes: keyValuesOf({ series: `series-${i}` }),
      startTimeUnixNano: 1n,
      timeUnixNano: 2n,
      flags: 0,
      value: { type: 'double' as const, value: i },
      exemplars: [],
    }))
    const metric: Metric = { name: 'big', description: '', unit: '', metadata: [], data: { type: 'gauge', dataPoints } }
    const req: MetricsRequest = { resourceMetrics: [{ resource: null, schemaUrl: '', scopeMetrics: [{ scope: null, schemaUrl: '', metrics: [metric] }] }] }
    const { records, oversized } = splitBySize('metrics', req, 2000)
    expect(oversized).toEqual([])
    expect(records.length).toBeGreaterThan(1)
    let total = 0
    for (const r of records) {
      expect(r.bytes.length).toBeLessThanOrEqual(2000)
      const decoded = decodeMetrics(r.bytes, 'protobuf')
      expect(decoded.ok).toBe(true)
      total += r.items
    }
    expect(total).toBe(200)
  })
})
