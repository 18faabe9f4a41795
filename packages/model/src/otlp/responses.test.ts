/** Export responses and google.rpc.Status, checked against hand-assembled protobuf bytes. */
import { describe, expect, it } from 'vitest'
import { decodeExportResponse, decodeRpcStatus, encodeExportResponse, encodeRpcStatus } from '../index.ts'

const text = (b: Uint8Array): string => new TextDecoder().decode(b)

describe('encodeExportResponse', () => {
  it('leaves partial_success unset on full success', () => {
    expect([...encodeExportResponse('traces', { rejected: 0, message: '' }, 'protobuf')]).toEqual([])
    expect(text(encodeExportResponse('logs', { rejected: 0, message: '' }, 'json'))).toBe('{}')
  })

  it('writes the rejected count under the signal-specific field', () => {
    // ExportTraceServiceResponse{partial_success(1){rejected_spans(1): 3, error_message(2): "x"}}
    expect([...encodeExportResponse('traces', { rejected: 3, message: 'x' }, 'protobuf')]).toEqual([0x0a, 0x05, 0x08, 0x03, 0x12, 0x01, 0x78])
    expect(JSON.parse(text(encodeExportResponse('traces', { rejected: 3, message: 'x' }, 'json')))).toEqual({ partialSuccess: { rejectedSpans: '3', errorMessage: 'x' } })
    expect(JSON.parse(text(encodeExportResponse('logs', { rejected: 2, message: '' }, 'json')))).toEqual({ partialSuccess: { rejectedLogRecords: '2' } })
    expect(JSON.parse(text(encodeExportResponse('metrics', { rejected: 0, message: 'warning' }, 'json')))).toEqual({ partialSuccess: { errorMessage: 'warning' } })
  })

  it('reads back what it wrote, in both encodings', () => {
    for (const encoding of ['protobuf', 'json'] as const) {
      for (const signal of ['traces', 'logs', 'metrics'] as const) {
        const partial = { rejected: 7, message: 'bad ids' }
        const r = decodeExportResponse(signal, encodeExportResponse(signal, partial, encoding), encoding)
        expect(r.ok && r.value).toEqual(partial)
      }
      const empty = decodeExportResponse('traces', new Uint8Array(0), encoding)
      expect(empty.ok && empty.value).toEqual({ rejected: 0, message: '' })
    }
  })
})

describe('encodeRpcStatus', () => {
  it('writes google.rpc.Status', () => {
    // Status{code(1): 3, message(2): "bad"}
    expect([...encodeRpcStatus({ code: 3, message: 'bad' }, 'protobuf')]).toEqual([0x08, 0x03, 0x12, 0x03, 0x62, 0x61, 0x64])
    expect(JSON.parse(text(encodeRpcStatus({ code: 8, message: 'slow down' }, 'json')))).toEqual({ code: 8, message: 'slow down' })
  })

  it('reads it back', () => {
    for (const encoding of ['protobuf', 'json'] as const) {
      const r = decodeRpcStatus(encodeRpcStatus({ code: 16, message: 'no key' }, encoding), encoding)
      expect(r.ok && r.value).toEqual({ code: 16, message: 'no key' })
    }
  })
})
