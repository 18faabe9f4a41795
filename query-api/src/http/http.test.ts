import { describe, expect, it } from 'vitest'
import { etagMatches } from './cache-headers.ts'
import { decodeCursor, encodeCursor } from './cursor.ts'

describe('cursors', () => {
  it('round-trip and stay opaque', () => {
    const cursor = { sortKeyNs: 1_767_225_600_123_456_789n, tieBreaker: 'ab'.repeat(16) }
    const text = encodeCursor('traces', cursor)
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(decodeCursor('traces', text)).toEqual(cursor)
  })
  it("refuse garbage and another list's cursor with 400", () => {
    const logs = encodeCursor('logs', { sortKeyNs: 1n, tieBreaker: '42' })
    for (const bad of [logs, 'x', '!!!', Buffer.from('[1,2,3]').toString('base64url'), Buffer.from('["traces","-1","ab"]').toString('base64url'), Buffer.from(`["traces","1","ab' OR 1"]`).toString('base64url'), 'A'.repeat(600)]) {
      expect(() => decodeCursor('traces', bad), bad).toThrow(expect.objectContaining({ statusCode: 400 }))
    }
  })
})

describe('etagMatches', () => {
  it('compares weakly, in lists, and with *', () => {
    expect(etagMatches('"a"', '"a"')).toBe(true)
    expect(etagMatches('W/"a"', '"a"')).toBe(true)
    expect(etagMatches('"b", "a"', '"a"')).toBe(true)
    expect(etagMatches('*', '"a"')).toBe(true)
    expect(etagMatches('"b"', '"a"')).toBe(false)
    expect(etagMatches(undefined, '"a"')).toBe(false)
  })
})
