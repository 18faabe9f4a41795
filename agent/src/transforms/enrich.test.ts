import { describe, expect, it } from 'vitest'
import { hexToBytes, liftTraceContext } from './enrich.ts'

describe('hexToBytes', () => {
  it('decodes upper- and lowercase hex of the exact length', () => {
    expect(hexToBytes('4bf92f3577b34da6a3ce929d0e0e4736', 16)).toEqual(new Uint8Array(Buffer.from('4bf92f3577b34da6a3ce929d0e0e4736', 'hex')))
    expect(hexToBytes('00F067AA0BA902B7', 8)).toEqual(new Uint8Array([0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7]))
    expect(hexToBytes('aAbBcCdDeEfF0919', 8)).toEqual(new Uint8Array([0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x09, 0x19]))
  })
  it('refuses other lengths, non-hex characters and all zeros', () => {
    expect(hexToBytes('00f067aa0ba902b', 8)).toBeUndefined()
    expect(hexToBytes('00f067aa0ba902b70', 8)).toBeUndefined()
    for (const bad of ['00f067aa0ba902bg', '00f067aa0ba902b:', '00f067aa0ba902b@', '00f067aa0ba902b`', ' 0f067aa0ba902b7', '00f067aa0ba902bG', '00f067aa0ba902b\u0146']) {
      expect(hexToBytes(bad, 8), bad).toBeUndefined()
    }
    expect(hexToBytes('0000000000000000', 8)).toBeUndefined()
  })
  it('lifts trace and span ids out of the fields, leaving malformed ones as attributes', () => {
    const fields: Record<string, unknown> = { trace_id: '4BF92F3577B34DA6A3CE929D0E0E4736', spanId: 'zz', span_id: '00f067aa0ba902b7', msg: 'x' }
    const trace = liftTraceContext(fields)
    expect(Buffer.from(trace.traceId).toString('hex')).toBe('4bf92f3577b34da6a3ce929d0e0e4736')
    expect(Buffer.from(trace.spanId).toString('hex')).toBe('00f067aa0ba902b7')
    expect(fields['spanId']).toBe('zz')
    expect(fields['trace_id']).toBeUndefined()
  })
})
