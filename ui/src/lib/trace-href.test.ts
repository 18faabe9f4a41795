import { describe, expect, it } from 'vitest'
import { isTraceId, traceHref } from './trace-href.ts'

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const SPAN = '00f067aa0ba902b7'

describe('traceHref', () => {
  it('links a valid trace id, with its span when that is valid too', () => {
    expect(traceHref(TRACE)).toBe(`/traces/${TRACE}`)
    expect(traceHref(TRACE, SPAN)).toBe(`/traces/${TRACE}?span=${SPAN}`)
    expect(traceHref(TRACE.toUpperCase(), SPAN.toUpperCase())).toBe(`/traces/${TRACE.toUpperCase()}?span=${SPAN.toUpperCase()}`)
  })
  it('gives no link for ids that are not hex of the right length, or all zero', () => {
    for (const id of ['', '0'.repeat(32), TRACE.slice(1), `${TRACE}0`, 'javascript:alert(1)//0000000000000', '../../services/x', `${TRACE.slice(0, 31)}/`, `${TRACE.slice(0, 30)}%2F`]) {
      expect(traceHref(id), id).toBeNull()
      expect(isTraceId(id), id).toBe(false)
    }
  })
  it('drops a span id that is not one, keeping the trace link', () => {
    for (const span of ['', '0'.repeat(16), `${SPAN}?x=1`, '"><img src=x>', SPAN.slice(2), null, undefined]) expect(traceHref(TRACE, span)).toBe(`/traces/${TRACE}`)
  })
})
