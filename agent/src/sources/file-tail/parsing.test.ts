import { describe, expect, it } from 'vitest'
import { parseTimestampNs } from './timestamp.ts'
import { parseLogfmt } from './logfmt.ts'
import { parseLine } from './parse-line.ts'
import { severityFromText, severityFromValue } from './severity.ts'

const OBSERVED = 1_700_000_000_000_000_000n

describe('parseTimestampNs', () => {
  it('keeps nanoseconds and applies zones', () => {
    // 2024-01-02T03:04:05Z = 1704164645 s (computed with `date -u -d … +%s`)
    expect(parseTimestampNs('2024-01-02T03:04:05.123456789Z')).toBe(1704164645123456789n)
    expect(parseTimestampNs('2024-01-02T05:04:05.5+02:00')).toBe(1704164645500000000n)
    expect(parseTimestampNs('2024-01-02 03:04:05')).toBe(1704164645000000000n)
  })
  it('reuses the seconds of the line before only when date, time to the second and zone match', () => {
    // the same second, one after the other: fractions differ
    expect(parseTimestampNs('2024-01-02T03:04:05.1Z')).toBe(1704164645100000000n)
    expect(parseTimestampNs('2024-01-02T03:04:05.000000002Z')).toBe(1704164645000000002n)
    expect(parseTimestampNs('2024-01-02T03:04:05Z')).toBe(1704164645000000000n)
    // same text up to the seconds, another zone: 2 h earlier in UTC
    expect(parseTimestampNs('2024-01-02T03:04:05.1+02:00')).toBe(1704157445100000000n)
    expect(parseTimestampNs('2024-01-02T03:04:05.1Z')).toBe(1704164645100000000n)
    // the next second, and a different date with the same time
    expect(parseTimestampNs('2024-01-02T03:04:06.1Z')).toBe(1704164646100000000n)
    expect(parseTimestampNs('2024-01-03T03:04:06.1Z')).toBe(1704251046100000000n)
    // the same second in the space-separated form with a compact zone
    expect(parseTimestampNs('2024-01-03 03:04:06.1 +0100')).toBe(1704247446100000000n)
  })
  it('infers epoch units from magnitude', () => {
    expect(parseTimestampNs(1704164645)).toBe(1704164645000000000n)
    expect(parseTimestampNs(1704164645123)).toBe(1704164645123000000n)
    expect(parseTimestampNs(1704164645.5)).toBe(1704164645500000000n)
    expect(parseTimestampNs('yesterday')).toBeUndefined()
    expect(parseTimestampNs(-5)).toBeUndefined()
  })
})

describe('parseLogfmt', () => {
  it('reads quoted values with escapes and bare keys', () => {
    expect(parseLogfmt('level=info msg="hello \\"world\\"" took=12ms ok')).toEqual({ level: 'info', msg: 'hello "world"', took: '12ms', ok: 'true' })
  })
  it('rejects text that is not logfmt', () => {
    expect(parseLogfmt('just some words')).toBeUndefined()
    expect(parseLogfmt('a="unterminated')).toBeUndefined()
  })
})

describe('severity', () => {
  it('maps pino numbers and names', () => {
    expect(severityFromValue(50)).toEqual({ number: 17, text: 'error' })
    expect(severityFromValue('WARNING')).toEqual({ number: 13, text: 'WARNING' })
    expect(severityFromText('2024-01-01 12:00:00 ERROR boom')?.number).toBe(17)
    expect(severityFromText('all good')).toBeUndefined()
  })
})

describe('parseLine', () => {
  it('maps a pino JSON line and lifts its trace context', () => {
    const line = JSON.stringify({
      level: 40,
      time: 1704164645123,
      msg: 'slow request',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
      route: '/checkout',
      attempt: 2,
      nested: { ok: true },
    })
    const record = parseLine(line, 'auto', OBSERVED)
    expect(record.timeUnixNano).toBe(1704164645123000000n)
    expect(record.severityNumber).toBe(13)
    expect(record.body).toEqual({ type: 'string', value: 'slow request' })
    expect(Buffer.from(record.traceId).toString('hex')).toBe('4bf92f3577b34da6a3ce929d0e0e4736')
    expect(Buffer.from(record.spanId).toString('hex')).toBe('00f067aa0ba902b7')
    expect(record.attributes).toEqual([
      { key: 'route', value: { type: 'string', value: '/checkout' } },
      { key: 'attempt', value: { type: 'int', value: 2n } },
      { key: 'nested', value: { type: 'kvlist', value: [{ key: 'ok', value: { type: 'bool', value: true } }] } },
    ])
  })

  it('lifts the aliases traceId, trace.id and nested trace.id; leaves malformed ids as attributes', () => {
    const a = parseLine('{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","message":"x"}', 'json', OBSERVED)
    expect(a.traceId.length).toBe(16)
    expect(a.spanId.length).toBe(8)
    const b = parseLine('trace.id=4bf92f3577b34da6a3ce929d0e0e4736 span.id=00f067aa0ba902b7 msg=hi', 'logfmt', OBSERVED)
    expect(Buffer.from(b.traceId).toString('hex')).toBe('4bf92f3577b34da6a3ce929d0e0e4736')
    expect(b.body).toEqual({ type: 'string', value: 'hi' })
    const c = parseLine('{"trace":{"id":"4bf92f3577b34da6a3ce929d0e0e4736"},"span":{"id":"00f067aa0ba902b7"}}', 'json', OBSERVED)
    expect(c.spanId.length).toBe(8)
    expect(c.attributes).toEqual([])
    const d = parseLine('{"trace_id":"00000000000000000000000000000000","msg":"x"}', 'json', OBSERVED)
    expect(d.traceId.length).toBe(0)
    expect(d.attributes.map((kv) => kv.key)).toEqual(['trace_id'])
  })

  it('falls back to text for lines that are not what they claim', () => {
    const record = parseLine('{not json', 'json', OBSERVED)
    expect(record.body).toEqual({ type: 'string', value: '{not json' })
    expect(record.timeUnixNano).toBe(0n)
    expect(record.observedTimeUnixNano).toBe(OBSERVED)
    const text = parseLine('WARN disk almost full', 'auto', OBSERVED)
    expect(text.severityNumber).toBe(13)
  })
})
