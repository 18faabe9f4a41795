import { describe, expect, it } from 'vitest'
import { deadLetterRecord, MAX_ERROR_CHARS } from './dead-letter.ts'

const record = {
  key: Buffer.from('k'),
  value: Buffer.from([1, 2, 3]),
  headers: { 'periscope-signal': 'traces', 'periscope-schema-version': '1' },
  offset: '42',
  timestampMs: 0,
}

describe('deadLetterRecord', () => {
  it('keeps key, value and headers and adds where it came from and why', () => {
    const dead = deadLetterRecord(record, { topic: 'otlp.traces', partition: 2, tenantId: 'acme' }, { reason: 'undecodable', message: 'index out of range' })
    expect(dead.key).toBe(record.key)
    expect(dead.value).toBe(record.value)
    expect(dead.headers).toEqual({
      'periscope-signal': 'traces',
      'periscope-schema-version': '1',
      'periscope-tenant': 'acme',
      'periscope-source-topic': 'otlp.traces',
      'periscope-source-partition': '2',
      'periscope-source-offset': '42',
      'periscope-error': 'undecodable: index out of range',
    })
  })

  it('bounds the error text', () => {
    const dead = deadLetterRecord(record, { topic: 't', partition: 0, tenantId: '' }, { reason: 'invalid_items', message: 'x'.repeat(5000) })
    expect(dead.headers['periscope-error']!.length).toBe(MAX_ERROR_CHARS)
  })
})
