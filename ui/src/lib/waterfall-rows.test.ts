import { describe, expect, it } from 'vitest'
import { spanTree } from './span-tree.ts'
import { displayRows } from './waterfall-rows.ts'
import { logsBySpanId, traceModel } from './trace-model.ts'

const s = (spanId: string, parentSpanId: string, startNs: number) => ({ spanId, parentSpanId, startNs: BigInt(startNs) })

describe('displayRows', () => {
  const rows = spanTree([s('root', '', 0), s('a', 'root', 1), s('b', 'root', 2)])
  it('puts each span’s logs right after it when logs are shown', () => {
    const logs = new Map([['a', 2], ['root', 1]])
    expect(displayRows(rows, new Set(), logs, true)).toEqual([
      { kind: 'span', rowIndex: 0 },
      { kind: 'log', rowIndex: 0, logIndex: 0 },
      { kind: 'span', rowIndex: 1 },
      { kind: 'log', rowIndex: 1, logIndex: 0 },
      { kind: 'log', rowIndex: 1, logIndex: 1 },
      { kind: 'span', rowIndex: 2 },
    ])
    expect(displayRows(rows, new Set(), logs, false)).toHaveLength(3)
    expect(displayRows(rows, new Set(['root']), logs, true)).toEqual([{ kind: 'span', rowIndex: 0 }, { kind: 'log', rowIndex: 0, logIndex: 0 }])
  })
})

describe('traceModel', () => {
  const span = (spanId: string, parentSpanId: string, start: string, duration: string, service: string, statusCode = 'UNSET') => ({
    spanId, parentSpanId, service, name: `op-${spanId}`, kind: 'SERVER', startTimeUnixNano: start, durationNs: duration, statusCode, statusMessage: '', attributes: {}, resource: {}, events: [], links: [], scope: { name: '', version: '' },
  })
  const log = (spanId: string, time: string) => ({ timeUnixNano: time, observedTimeUnixNano: time, resource: {}, severityText: 'INFO', severityNumber: 9, service: 'x', body: 'b', traceId: 't', spanId, attributes: {} })
  it('builds rows, bounds, services, errors and logs by span from an API answer', () => {
    const model = traceModel({
      traceId: 't',
      spans: [span('c', 'r', '1500', '100', 'db', 'ERROR'), span('r', '', '1000', '1000', 'web'), span('p', 'r', '1100', '300', 'pay')],
      logs: [log('p', '1300'), log('p', '1200'), log('zz', '1250'), log('', '1000')],
    })
    expect(model.rows.map((r) => r.span.spanId)).toEqual(['r', 'p', 'c'])
    expect(model.bounds).toEqual({ startNs: 1000n, endNs: 2000n })
    expect(model.services).toEqual(['web', 'pay', 'db'])
    expect(model.errorCount).toBe(1)
    expect(model.logsBySpan.get('p')!.map((l) => l.timeUnixNano)).toEqual(['1200', '1300'])
    expect(model.unattachedLogs).toHaveLength(2)
    expect([...model.criticalBySpan.keys()].sort()).toEqual(['c', 'p', 'r'])
  })
  it('sorts logs by time with nanosecond precision', () => {
    const { bySpan } = logsBySpanId([log('a', '1767225600000000002'), log('a', '1767225600000000001')], new Set(['a']))
    expect(bySpan.get('a')!.map((l) => l.timeUnixNano)).toEqual(['1767225600000000001', '1767225600000000002'])
  })
})
