import { describe, expect, it } from 'vitest'
import { deadLetterOf } from './dead-letter.ts'

const record = {
  key: Buffer.from('k'),
  value: Buffer.from([1, 2, 3]),
  headers: { 'periscope-signal': 'traces', 'periscope-schema-version': '1' },
  offset: '42',
  timestampMs: 0,
}

describe('deadLetterOf', () => {
  it('names where the record came from, its tenant, and the reason before the message', () => {
    const letter = deadLetterOf(record, { topic: 'otlp.traces', partition: 2, tenantId: 'acme' }, { reason: 'undecodable', message: 'index out of range' })
    expect(letter).toEqual({ topic: 'otlp.traces', partition: 2, record, error: 'undecodable: index out of range', tenant: 'acme' })
  })
})
