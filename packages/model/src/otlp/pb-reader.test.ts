/**
 * The hand-written protobuf readers on the wire features an encoder of canonical messages never
 * writes (round-trip.test.ts covers those): bodies are built field by field with protobufjs'
 * Writer, and the expected requests are written out by hand.
 */
import fc from 'fast-check'
import protobuf from 'protobufjs'
import { describe, expect, it } from 'vitest'
import { decodeLogs, decodeTraces, encodeLogs, OtlpDecodeError, type LogsRequest } from '../index.ts'

type Part = (w: protobuf.Writer) => protobuf.Writer
const text = (s: string): Uint8Array => new TextEncoder().encode(s)
/** a length-delimited field whose content is the given parts */
const msg = (no: number, ...parts: Part[]): Part => (w) => w.uint32((no << 3) | 2).bytes(build(...parts))
const bytesField = (no: number, content: Uint8Array): Part => (w) => w.uint32((no << 3) | 2).bytes(content)
const build = (...parts: Part[]): Uint8Array => parts.reduce((w, part) => part(w), protobuf.Writer.create()).finish()
/** a KeyValue as field `no` (Resource.attributes = 1, LogRecord.attributes = 6) */
const attr = (no: number, key: string, value: Part): Part => msg(no, bytesField(1, text(key)), msg(2, value))
const strValue = (s: string): Part => bytesField(1, text(s))

/** a logs body with one record of the given fields under an optional resource */
const logsBody = (record: Part[], resource: Part[] = []): Uint8Array => build(msg(1, ...resource, msg(2, msg(2, ...record))))

function decoded(body: Uint8Array): LogsRequest {
  const r = decodeLogs(body, 'protobuf')
  if (!r.ok) throw r.error
  return r.value
}
const onlyRecord = (body: Uint8Array) => decoded(body).resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!

describe('protobuf readers', () => {
  it('read negative enums and int64s, 64-bit times past 2^53, bools and over-long uint32 varints as protobufjs does', () => {
    const record = onlyRecord(
      logsBody([
        (w) => w.uint32(0x10).int32(-3), // severity_number, sign-extended to 10 bytes
        (w) => w.uint32(0x09).fixed64('18446744073709551615'), // time_unix_nano = 2^64 - 1
        (w) => w.uint32(0x59).fixed64('9007199254740993'), // observed = 2^53 + 1
        (w) => w.uint32(0x38).uint64('4294967301'), // dropped_attributes_count = 2^32 + 5: low 32 bits
        attr(6, 'neg', (w) => w.uint32(0x18).int64('-9223372036854775808')),
        attr(6, 'big', (w) => w.uint32(0x18).int64('9223372036854775807')),
        attr(6, 'small', (w) => w.uint32(0x18).int64(-5)),
        attr(6, 'yes', (w) => w.uint32(0x10).uint32(2)),
      ]),
    )
    expect(record.severityNumber).toBe(-3)
    expect(record.timeUnixNano).toBe(2n ** 64n - 1n)
    expect(record.observedTimeUnixNano).toBe(2n ** 53n + 1n)
    expect(record.droppedAttributesCount).toBe(5)
    expect(record.attributes).toEqual([
      { key: 'neg', value: { type: 'int', value: -(2n ** 63n) } },
      { key: 'big', value: { type: 'int', value: 2n ** 63n - 1n } },
      { key: 'small', value: { type: 'int', value: -5n } },
      { key: 'yes', value: { type: 'bool', value: true } },
    ])
  })

  it('read short and long UTF-8 strings, and reject invalid UTF-8 naming the field', () => {
    const long = 'ünïcødé '.repeat(10)
    const record = onlyRecord(logsBody([bytesField(3, text('héllo')), msg(5, strValue(long)), bytesField(12, text('ascii-only'))]))
    expect(record.severityText).toBe('héllo')
    expect(record.body).toEqual({ type: 'string', value: long })
    expect(record.eventName).toBe('ascii-only')
    for (const bad of [new Uint8Array([0x61, 0xff]), new Uint8Array([...text('x'.repeat(30)), 0xc3])]) {
      const r = decodeLogs(logsBody([bytesField(3, bad)]), 'protobuf')
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.error.message).toMatch(/UTF-8/)
    }
  })

  it('merge a message field sent twice, keep the last scalar, skip unknown fields of every wire type and groups', () => {
    const request = decoded(
      logsBody(
        [
          bytesField(3, text('first')),
          (w) => w.uint32((99 << 3) | 0).uint32(7), // unknown varint
          (w) => w.uint32((98 << 3) | 1).fixed64(1), // unknown fixed64
          (w) => w.uint32((97 << 3) | 5).fixed32(1), // unknown fixed32
          (w) => w.uint32((96 << 3) | 3).uint32((1 << 3) | 0).uint32(1).uint32((96 << 3) | 4), // a group
          (w) => w.uint32(0x08).uint32(1), // time_unix_nano (fixed64) sent as a varint: skipped
          bytesField(3, text('last')),
        ],
        [msg(1, attr(1, 'a', strValue('1'))), msg(1, attr(1, 'b', strValue('2')), (w) => w.uint32(0x10).uint32(4))],
      ),
    )
    const rl = request.resourceLogs[0]!
    expect(rl.resource).toEqual({
      attributes: [
        { key: 'a', value: { type: 'string', value: '1' } },
        { key: 'b', value: { type: 'string', value: '2' } },
      ],
      droppedAttributesCount: 4,
      entityRefs: [],
    })
    expect(rl.scopeLogs[0]!.logRecords[0]!.severityText).toBe('last')
    expect(rl.scopeLogs[0]!.logRecords[0]!.timeUnixNano).toBe(0n)
  })

  it('give ids as views into the body, not copies', () => {
    const body = Buffer.from(logsBody([bytesField(9, new Uint8Array(16).fill(7))]))
    const { traceId } = onlyRecord(body)
    expect(traceId).toEqual(new Uint8Array(16).fill(7))
    expect(traceId.buffer).toBe(body.buffer)
  })

  it('reject a field that runs past the end of its message, and a field number 0', () => {
    // a record whose trace_id claims 20 bytes inside a record of 5
    const record = new Uint8Array([0x4a, 0x14, 1, 2, 3])
    const body = build(msg(1, msg(2, bytesField(2, record))))
    const r = decodeLogs(body, 'protobuf')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.message).toMatch(/runs past the end of its message/)
    expect(decodeTraces(new Uint8Array([0x02, 0x00]), 'protobuf').ok).toBe(false)
  })

  it('never throw on a valid body with bytes changed, cut or inserted', () => {
    const valid = encodeLogs(decoded(logsBody([bytesField(3, text('INFO')), msg(5, strValue('a body')), attr(6, 'k', strValue('v')), bytesField(9, new Uint8Array(16).fill(1))], [msg(1, attr(1, 'service.name', strValue('shop')))])), 'protobuf')
    fc.assert(
      fc.property(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.nat({ max: 2 }), (at, byte, how) => {
        const body = how === 0 ? Uint8Array.from(valid, (b, i) => (i === at ? byte : b)) : how === 1 ? valid.subarray(0, at) : Uint8Array.from([...valid.subarray(0, at), byte, ...valid.subarray(at)])
        for (const decode of [decodeLogs, decodeTraces]) {
          const r = decode(body, 'protobuf')
          if (!r.ok) expect(r.error).toBeInstanceOf(OtlpDecodeError)
        }
      }),
      { numRuns: 2000 },
    )
  })
})

describe('value nesting', () => {
  /** a log body whose value is `levels` kvlists deep around a string leaf */
  function nested(levels: number): Uint8Array {
    let value: Part = strValue('leaf')
    for (let i = 0; i < levels; i++) {
      const inner = value
      value = msg(6, msg(1, bytesField(1, text('k')), msg(2, inner)))
    }
    return logsBody([msg(5, value)])
  }
  it('accepts as many levels as the JSON decoder does, encodable again, and refuses one more', () => {
    const body = nested(24)
    const r = decodeLogs(body, 'protobuf')
    expect(r.ok).toBe(true)
    if (r.ok) expect(decodeLogs(encodeLogs(r.value, 'protobuf'), 'protobuf')).toEqual(r)
    const deeper = decodeLogs(nested(25), 'protobuf')
    expect(deeper.ok).toBe(false)
    if (!deeper.ok) expect(deeper.error.message).toMatch(/max depth/)
  })
})
