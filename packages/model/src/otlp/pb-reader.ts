/**
 * A protobuf wire-format reader for the hand-written OTLP decoders (pb-read-*.ts): it reads
 * straight into the model's types, with no intermediate message objects, Longs or prototype
 * defaults — decoding through protobufjs and converting its objects cost twice as much, the
 * conversion more than the decoding.
 *
 * Every read is bounded by the end of the message being read (`end`), never just by the body: a
 * field that runs past its message, a truncated varint or an invalid wire type throws a
 * PbDecodeFailure, which the decoders turn into an OtlpDecodeError. Strings are UTF-8 checked
 * (proto3 requires it; protobufjs checks too). Unknown fields, and known fields sent with another
 * wire type, are skipped (as protoc does), groups included.
 */
import { EMPTY_BYTES } from './pb-common.ts'

/** A protobuf body that is not well-formed; the decoders catch it. */
export class PbDecodeFailure extends Error {}

/** how deep groups (of unknown fields) may nest while they are skipped (protobufjs' limit) */
const MAX_GROUP_DEPTH = 100

/** Wire types (the low 3 bits of a tag). */
export const WIRE = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
/** Buffer's native Latin-1 slice (untyped in @types/node), which `toString('latin1', …)` calls after checks this reader has already made */
interface LatinSlicing {
  latin1Slice(start: number, end: number): string
}
const TWO_POW_32 = 4294967296

export class PbReader {
  readonly buf: Buffer & LatinSlicing
  pos = 0

  constructor(bytes: Uint8Array) {
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.buf = buf as unknown as Buffer & LatinSlicing
  }

  get length(): number {
    return this.buf.length
  }

  /** A tag (field number << 3 | wire type); field 0 is invalid. */
  tag(end: number): number {
    const tag = this.uint32(end)
    if (tag < 8) throw new PbDecodeFailure(`invalid tag ${tag} at offset ${this.pos}`)
    return tag
  }

  /** A varint as uint32: bits past the 32nd are dropped, as protobufjs' uint32() does. */
  uint32(end: number): number {
    const buf = this.buf
    let pos = this.pos
    let value = 0
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw new PbDecodeFailure(`truncated varint at offset ${this.pos}`)
      const byte = buf[pos++]!
      if (i < 5) value |= (byte & 0x7f) << (7 * i)
      if (byte < 0x80) {
        this.pos = pos
        return value >>> 0
      }
    }
    throw new PbDecodeFailure(`varint longer than 10 bytes at offset ${this.pos}`)
  }

  /** An int32 / enum varint (negative values are sign-extended to 10 bytes on the wire). */
  int32(end: number): number {
    return this.uint32(end) | 0
  }

  /** A bool varint: non-zero low 32 bits, as protobufjs reads it. */
  bool(end: number): boolean {
    return this.uint32(end) !== 0
  }

  /** An int64 varint as a signed bigint. */
  int64(end: number): bigint {
    const buf = this.buf
    let pos = this.pos
    let low = 0
    let high = 0
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw new PbDecodeFailure(`truncated varint at offset ${this.pos}`)
      const byte = buf[pos++]!
      const bits = byte & 0x7f
      if (i < 4) low |= bits << (7 * i)
      else if (i === 4) {
        low |= bits << 28
        high = bits >>> 4
      } else high |= bits << (7 * i - 32)
      if (byte < 0x80) {
        this.pos = pos
        if (high === 0) return BigInt(low >>> 0)
        return BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0))
      }
    }
    throw new PbDecodeFailure(`varint longer than 10 bytes at offset ${this.pos}`)
  }

  fixed32(end: number): number {
    const pos = this.pos
    if (pos + 4 > end) throw new PbDecodeFailure(`truncated fixed32 at offset ${pos}`)
    this.pos = pos + 4
    return this.buf.readUInt32LE(pos)
  }

  /** A fixed64 as an unsigned bigint (times in unix ns). */
  fixed64(end: number): bigint {
    const pos = this.pos
    if (pos + 8 > end) throw new PbDecodeFailure(`truncated fixed64 at offset ${pos}`)
    this.pos = pos + 8
    const low = this.buf.readUInt32LE(pos)
    const high = this.buf.readUInt32LE(pos + 4)
    if (high === 0) return BigInt(low)
    // below 2^53 the double is exact and one BigInt() is cheaper than shift + or
    if (high < 0x200000) return BigInt(high * TWO_POW_32 + low)
    return (BigInt(high) << 32n) | BigInt(low)
  }

  double(end: number): number {
    const pos = this.pos
    if (pos + 8 > end) throw new PbDecodeFailure(`truncated double at offset ${pos}`)
    this.pos = pos + 8
    return this.buf.readDoubleLE(pos)
  }

  /** The end of a length-delimited field's content; the reader is left at its start. */
  delimitedEnd(end: number): number {
    const at = this.pos
    const length = this.uint32(end)
    const contentEnd = this.pos + length
    if (contentEnd > end) throw new PbDecodeFailure(`length ${length} at offset ${at} runs past the end of its message`)
    return contentEnd
  }

  /** A length-delimited UTF-8 string. */
  string(end: number): string {
    const stop = this.delimitedEnd(end)
    const start = this.pos
    this.pos = stop
    if (stop === start) return ''
    const buf = this.buf
    // most strings on the wire are ASCII (keys, names, URLs): Latin-1 decoding reads them exactly
    // and needs no validation, so only a string with another byte goes through the checking decoder
    for (let i = start; i < stop; i++) {
      if (buf[i]! >= 0x80) return this.utf8(start, stop)
    }
    return buf.latin1Slice(start, stop)
  }

  private utf8(start: number, stop: number): string {
    try {
      return strict.decode(this.buf.subarray(start, stop))
    } catch {
      throw new PbDecodeFailure(`invalid UTF-8 in the string at offset ${start}`)
    }
  }

  /** Length-delimited bytes as a plain Uint8Array view into the body (ids and bytes values). */
  bytes(end: number): Uint8Array {
    const stop = this.delimitedEnd(end)
    const start = this.pos
    this.pos = stop
    if (stop === start) return EMPTY_BYTES
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset + start, stop - start)
  }

  /** Skips the value of a field this decoder does not read (unknown, or sent with another wire type). */
  skip(tag: number, end: number, depth = 0): void {
    switch (tag & 7) {
      case WIRE.VARINT:
        this.uint32(end)
        return
      case WIRE.I64:
        if (this.pos + 8 > end) throw new PbDecodeFailure(`truncated fixed64 at offset ${this.pos}`)
        this.pos += 8
        return
      case WIRE.LEN:
        this.pos = this.delimitedEnd(end)
        return
      case WIRE.I32:
        if (this.pos + 4 > end) throw new PbDecodeFailure(`truncated fixed32 at offset ${this.pos}`)
        this.pos += 4
        return
      case WIRE.SGROUP: {
        if (depth >= MAX_GROUP_DEPTH) throw new PbDecodeFailure('max depth exceeded: groups nested too deep')
        const endGroup = (tag & ~7) | WIRE.EGROUP
        for (;;) {
          const inner = this.tag(end)
          if (inner === endGroup) return
          this.skip(inner, end, depth + 1)
        }
      }
      default:
        throw new PbDecodeFailure(`invalid wire type ${tag & 7} at offset ${this.pos}`)
    }
  }
}
