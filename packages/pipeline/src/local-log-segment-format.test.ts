import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { crc32 } from 'node:zlib'
import type { BusRecord } from './bus.ts'
import {
  decodeFrames,
  encodeFrames,
  encodeSegmentHeader,
  frameBytes,
  parseSegmentFileName,
  parseSegmentHeader,
  segmentFileName,
} from './local-log-segment-format.ts'

const unlimited = { maxRecords: Infinity, maxBytes: Infinity }

function encode(records: BusRecord[], firstOffset: number, timestampMs = 1_700_000_000_000): Buffer {
  return encodeFrames(records, records.map(frameBytes), firstOffset, timestampMs)
}

const record = (key: string | null, value: string, headers: Record<string, string> = {}): BusRecord => ({
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(value),
  headers,
})

describe('local log segment format', () => {
  it('lays a frame out as [length][crc32][offset][timestamp][key][headers][value]', () => {
    const buf = encode([record('k', 'vv', { h: 'x' })], 7, 1234)
    // payload: 8 offset + 8 ts + 4 keyLength + 1 key + 2 headerCount + (2+1+4+1) header + 4 valueLength + 2 value = 37
    expect(buf.length).toBe(8 + 37)
    expect(buf.readUInt32BE(0)).toBe(37)
    expect(buf.readUInt32BE(4)).toBe(crc32(buf.subarray(8)))
    expect(buf.readUInt32BE(8 + 4)).toBe(7)
    expect(buf.readUInt32BE(16 + 4)).toBe(1234)
    expect(buf.readInt32BE(24)).toBe(1)
    expect(buf.subarray(28, 29).toString()).toBe('k')
    expect(buf.subarray(buf.length - 2).toString()).toBe('vv')
  })

  it('round-trips records, null keys, empty values and UTF-8 headers', () => {
    const records = [record(null, ''), record('trace-1', 'payload', { 'periscope-tenant': 'acme', ü: 'ß✓' }), record('', 'x')]
    const decoded = decodeFrames(encode(records, 100), 100, unlimited)
    expect(decoded.stop).toBe('end')
    expect(decoded.nextOffset).toBe(103)
    expect(decoded.records.map((r) => [r.offset, r.key?.toString() ?? null, r.value.toString(), r.headers, r.timestampMs])).toEqual([
      ['100', null, '', {}, 1_700_000_000_000],
      ['101', 'trace-1', 'payload', { 'periscope-tenant': 'acme', ü: 'ß✓' }, 1_700_000_000_000],
      ['102', '', 'x', {}, 1_700_000_000_000],
    ])
  })

  it('round-trips arbitrary records (property)', () => {
    const arbRecord = fc.record({
      key: fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null }),
      value: fc.uint8Array({ maxLength: 300 }),
      headers: fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 4 }),
    })
    fc.assert(
      fc.property(fc.array(arbRecord, { maxLength: 20 }), fc.nat(1e9), (raw, first) => {
        const records: BusRecord[] = raw.map((r) => ({ key: r.key ? Buffer.from(r.key) : null, value: Buffer.from(r.value), headers: r.headers }))
        const decoded = decodeFrames(encode(records, first), first, unlimited)
        expect(decoded.stop).toBe('end')
        expect(decoded.records.length).toBe(records.length)
        decoded.records.forEach((d, i) => {
          expect(d.offset).toBe(String(first + i))
          expect(d.key === null ? null : [...d.key]).toEqual(records[i]!.key === null ? null : [...records[i]!.key!])
          expect([...d.value]).toEqual([...records[i]!.value])
          expect(d.headers).toEqual(records[i]!.headers)
        })
      }),
      { numRuns: 200 },
    )
  })

  it('stops at a torn tail with the good frames before it', () => {
    const full = encode([record('a', 'one'), record('b', 'two'), record('c', 'three')], 0)
    const firstTwo = frameBytes(record('a', 'one')) + frameBytes(record('b', 'two'))
    for (const cut of [firstTwo + 3, firstTwo + 12, full.length - 1]) {
      const decoded = decodeFrames(full.subarray(0, cut), 0, unlimited)
      expect(decoded.stop).toBe('partial')
      expect(decoded.records.map((r) => r.value.toString())).toEqual(['one', 'two'])
      expect(decoded.consumedBytes).toBe(firstTwo)
    }
  })

  it('detects a flipped bit, a wrong offset and an absurd length as corrupt', () => {
    const full = encode([record('a', 'one'), record('b', 'two')], 5)
    const second = frameBytes(record('a', 'one'))
    const flipped = Buffer.from(full)
    flipped[second + 30]! ^= 0x10
    const d1 = decodeFrames(flipped, 5, unlimited)
    expect([d1.stop, d1.records.length, d1.consumedBytes]).toEqual(['corrupt', 1, second])
    // a valid stream read with the wrong expected offset
    expect(decodeFrames(full, 6, unlimited).stop).toBe('corrupt')
    const absurd = Buffer.from(full)
    absurd.writeUInt32BE(0xffffffff, 0)
    expect(decodeFrames(absurd, 5, unlimited).stop).toBe('corrupt')
  })

  it('honours record and byte limits but always returns at least one record', () => {
    const records = Array.from({ length: 10 }, (_, i) => record(null, 'x'.repeat(100), { i: String(i) }))
    const buf = encode(records, 0)
    expect(decodeFrames(buf, 0, { maxRecords: 3, maxBytes: Infinity }).records.length).toBe(3)
    const oneFrame = frameBytes(records[0]!)
    expect(decodeFrames(buf, 0, { maxRecords: 100, maxBytes: oneFrame * 2 + 1 }).records.length).toBe(2)
    expect(decodeFrames(buf, 0, { maxRecords: 100, maxBytes: 1 }).records.length).toBe(1)
    const skipped = decodeFrames(buf, 0, { maxRecords: 2, maxBytes: Infinity, skipBelowOffset: 6 })
    expect(skipped.records.map((r) => r.headers.i)).toEqual(['6', '7'])
  })

  it('names segments by zero-padded base offset and checks the header magic', () => {
    expect(segmentFileName(1234)).toBe('00000000000000001234.log')
    expect(parseSegmentFileName('00000000000000001234.log')).toBe(1234)
    expect(parseSegmentFileName('1234.log')).toBeNull()
    expect(parseSegmentHeader(encodeSegmentHeader(99))).toBe(99)
    const bad = encodeSegmentHeader(99)
    bad[0] = 0
    expect(parseSegmentHeader(bad)).toBeNull()
  })
})
