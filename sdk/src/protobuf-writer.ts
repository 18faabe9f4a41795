/**
 * A protobuf writer that appends to one growing buffer, for the OTLP span encoder.
 *
 * The caller writes each field's tag itself (a precomputed byte: tags of fields 1..15 are one
 * byte), then the value. Nested messages are written after a reserved length prefix whose size
 * the caller guesses (`begin(reserve)`); `end` writes the minimal varint length and moves the body
 * only when the guess was wrong, so the common case moves nothing.
 *
 * Invariants: every length prefix is a minimal varint; strings are UTF-8 (short ones copied in
 * one optimistic ASCII pass, others written by Buffer#write); `bytes()` returns a copy the caller owns,
 * while the writer's own buffer is reused by the next `reset()`.
 */
import type { HrTime } from '@opentelemetry/api'

const TWO_32 = 0x1_0000_0000
/**
 * Byte value by the character codes of two hex digits ((first & 0x7f) << 7 | (second & 0x7f)),
 * for the hex ids OpenTelemetry keeps as strings: one lookup per byte. Non-hex digits count as 0.
 */
const HEX_PAIR = new Uint8Array(1 << 14)
{
  const digits: Array<[number, number]> = []
  for (let i = 0; i < 10; i++) digits.push([48 + i, i])
  for (let i = 0; i < 6; i++) digits.push([65 + i, 10 + i], [97 + i, 10 + i])
  for (const [hi, hiValue] of digits) for (const [lo, loValue] of digits) HEX_PAIR[(hi << 7) | lo] = (hiValue << 4) | loValue
}

/**
 * Strings longer than this go through Buffer#write (native, a flat ~80 ns here), shorter ones
 * character by character (~3 ns each): the crossover measured on the benchmark machine.
 */
export const NATIVE_STRING_CHARS = 24

export function varintSize(value: number): number {
  if (value < 0x80) return 1
  if (value < 0x4000) return 2
  if (value < 0x20_0000) return 3
  if (value < 0x1000_0000) return 4
  let size = 5
  for (let v = Math.floor(value / 0x8_0000_0000); v > 0; v = Math.floor(v / 0x80)) size++
  return size
}

/*
 * put*: raw stores at `p` into a buffer the caller has ensured is large enough; each returns the
 * position after what it wrote. For runs of fixed-size fields written under one ensure().
 */

/** Bytes putHexId writes for `hex`. */
export function hexIdSize(hex: string): number {
  return varintSize(hex.length >> 1) + (hex.length >> 1)
}

/** A hex id as a length-prefixed byte string (ids are 8 or 16 bytes; any length is encoded). */
export function putHexId(buf: Uint8Array, p: number, hex: string): number {
  let n = hex.length >> 1
  while (n >= 0x80) {
    buf[p++] = (n & 0x7f) | 0x80
    n >>>= 7
  }
  buf[p++] = n
  for (let i = 0; i < hex.length - 1; i += 2) {
    buf[p++] = HEX_PAIR[((hex.charCodeAt(i) & 0x7f) << 7) | (hex.charCodeAt(i + 1) & 0x7f)]!
  }
  return p
}

export function putFixed32(buf: Uint8Array, p: number, value: number): number {
  const v = value >>> 0
  buf[p] = v & 0xff
  buf[p + 1] = (v >>> 8) & 0xff
  buf[p + 2] = (v >>> 16) & 0xff
  buf[p + 3] = v >>> 24
  return p + 4
}

/** HrTime [seconds, nanoseconds] as fixed64 nanoseconds, exact without BigInt. */
export function putHrTime(buf: Uint8Array, p: number, time: HrTime): number {
  const seconds = time[0]
  const nanos = time[1]
  // seconds * 1e9 + nanos over 32-bit words: 1e9 = 15258 * 2^16 + 51712, seconds = s1 * 2^16 + s0
  const s1 = Math.floor(seconds / 0x10000)
  const s0 = seconds - s1 * 0x10000
  const a = s1 * 1e9 // < 2^46; the value holds a * 2^16
  const aHigh = Math.floor(a / 0x10000)
  const aLow16 = a - aHigh * 0x10000
  const b = s0 * 1e9 + nanos // < 2^47
  const bHigh = Math.floor(b / TWO_32)
  let lo = aLow16 * 0x10000 + (b - bHigh * TWO_32)
  const carry = Math.floor(lo / TWO_32)
  lo -= carry * TWO_32
  putFixed32(buf, p, lo)
  putFixed32(buf, p + 4, aHigh + bHigh + carry)
  return p + 8
}

export class ProtobufWriter {
  buf: Buffer
  pos = 0

  /** A growing buffer of `initial` bytes, or (to fill a buffer sized exactly) the buffer given. */
  constructor(initial: number | Buffer) {
    this.buf = typeof initial === 'number' ? Buffer.allocUnsafe(initial) : initial
  }

  /** Starts a new message, reusing the buffer. */
  reset(): void {
    this.pos = 0
  }

  /** A copy of what was written. */
  bytes(): Uint8Array {
    const out = Buffer.allocUnsafe(this.pos)
    this.buf.copy(out, 0, 0, this.pos)
    return out
  }

  ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes))
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }

  byte(value: number): void {
    if (this.pos >= this.buf.length) this.ensure(1)
    this.buf[this.pos++] = value
  }

  /** Unsigned varint of a non-negative integer up to 2^64. */
  varint(value: number): void {
    this.ensure(10)
    const buf = this.buf
    if (value < 0x80) {
      buf[this.pos++] = value
      return
    }
    let v = value
    while (v >= 0x80) {
      buf[this.pos++] = (v % 0x80) | 0x80
      v = Math.floor(v / 0x80)
    }
    buf[this.pos++] = v
  }

  /** int64 as varint: negative values are 64-bit two's complement (10 bytes). */
  int64(value: number): void {
    if (value >= 0) return this.varint(value)
    this.ensure(10)
    let hi = Math.floor(value / TWO_32)
    let lo = value - hi * TWO_32
    hi = hi >>> 0
    const buf = this.buf
    for (let i = 0; i < 9; i++) {
      buf[this.pos++] = (lo & 0x7f) | 0x80
      lo = (lo >>> 7) | ((hi & 0x7f) << 25)
      hi = hi >>> 7
    }
    buf[this.pos++] = lo & 0x01
  }

  /** A length-prefixed UTF-8 string. */
  string(value: string): void {
    const length = value.length
    if (length <= NATIVE_STRING_CHARS) {
      // ASCII, optimistically: a one-byte length, one byte per character
      this.ensure(1 + length)
      const buf = this.buf
      const start = this.pos + 1
      let i = 0
      for (; i < length; i++) {
        const c = value.charCodeAt(i)
        if (c >= 0x80) break
        buf[start + i] = c
      }
      if (i === length) {
        buf[this.pos] = length
        this.pos = start + length
        return
      }
    }
    // Buffer#write, room made for the longest UTF-8 (3 bytes per UTF-16 unit) and the length
    // guessed as ASCII; the bytes move only when the guess was wrong.
    const max = length * 3
    this.ensure(varintSize(max) + max)
    const reserve = varintSize(length)
    const start = this.pos + reserve
    const written = this.buf.write(value, start, 'utf8')
    const need = varintSize(written)
    if (need !== reserve) this.buf.copyWithin(this.pos + need, start, start + written)
    this.varint(written)
    this.pos += written
  }

  /** A length-prefixed byte string from a hex id (trace and span ids). */
  hexBytes(hex: string): void {
    this.ensure(hexIdSize(hex))
    this.pos = putHexId(this.buf, this.pos, hex)
  }

  /** `bytes[start, end)` as they are. */
  copy(bytes: Uint8Array, start = 0, end = bytes.length): void {
    const length = end - start
    this.ensure(length)
    const buf = this.buf
    const pos = this.pos
    // TypedArray#set beats a byte loop from a few bytes on (~20 ns against ~4 ns a byte here)
    if (start === 0 && end === bytes.length) buf.set(bytes, pos)
    else if (length <= 4) for (let i = 0; i < length; i++) buf[pos + i] = bytes[start + i]!
    else buf.set(bytes.subarray(start, end), pos)
    this.pos = pos + length
  }

  /** Length-prefixed bytes. */
  lengthPrefixed(bytes: Uint8Array): void {
    this.varint(bytes.length)
    this.ensure(bytes.length)
    this.buf.set(bytes, this.pos)
    this.pos += bytes.length
  }

  fixed32(value: number): void {
    this.ensure(4)
    this.pos = putFixed32(this.buf, this.pos, value)
  }

  double(value: number): void {
    this.ensure(8)
    this.buf.writeDoubleLE(value, this.pos)
    this.pos += 8
  }

  /** HrTime [seconds, nanoseconds] as fixed64 nanoseconds. */
  hrTime(time: HrTime): void {
    this.ensure(8)
    this.pos = putHrTime(this.buf, this.pos, time)
  }

  /** Reserves `reserve` bytes for a nested message's length; returns where they start. */
  begin(reserve: number): number {
    this.ensure(reserve)
    const at = this.pos
    this.pos += reserve
    return at
  }

  /** Ends the message begun at `at` with `reserve` length bytes: writes its minimal length. */
  end(at: number, reserve: number): void {
    const bodyStart = at + reserve
    const length = this.pos - bodyStart
    if (length < 0x80 && reserve === 1) {
      this.buf[at] = length
      return
    }
    const need = varintSize(length)
    if (need !== reserve) {
      // the guess was wrong: move the body next to a prefix of the right size
      this.ensure(need - reserve)
      const buf = this.buf
      const to = at + need
      if (length <= 8) {
        if (to < bodyStart) for (let i = 0; i < length; i++) buf[to + i] = buf[bodyStart + i]!
        else for (let i = length - 1; i >= 0; i--) buf[to + i] = buf[bodyStart + i]!
      } else {
        buf.copyWithin(to, bodyStart, this.pos)
      }
      this.pos += need - reserve
    }
    const save = this.pos
    this.pos = at
    this.varint(length)
    this.pos = save
  }
}
