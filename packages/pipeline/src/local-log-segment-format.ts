/**
 * On-disk format of a local-log segment. This file is the only one that encodes or decodes it.
 *
 * A partition directory `<dir>/topics/<topic>/<partition>/` holds segment files named by the
 * offset of their first record, zero-padded to 20 digits: `00000000000000001234.log`.
 *
 * Segment file:
 *   header  16 bytes   magic "PSCLOG01" (8 ASCII bytes) | base offset u64 BE
 *   frames, back to back, each:
 *     length    u32 BE   payload bytes (the 8 bytes of length + crc not included)
 *     crc       u32 BE   CRC-32 (IEEE 802.3, as zlib.crc32) of the payload
 *     payload:
 *       offset       u64 BE   base offset + index of the frame in the file
 *       timestampMs  u64 BE   append time, unix ms
 *       keyLength    i32 BE   -1 for a null key
 *       key          keyLength bytes
 *       headerCount  u16 BE
 *       headerCount × { nameLength u16 BE | name UTF-8 | valueLength u32 BE | value UTF-8 }
 *       valueLength  u32 BE
 *       value        valueLength bytes
 *
 * Invariants:
 * - Offsets are consecutive: the first frame carries the base offset, every next one +1; the
 *   next segment's base offset is the previous segment's last offset + 1.
 * - Only the partition's single writer appends, and only whole frames; a frame becomes visible to
 *   readers after the fsync that covers it.
 * - A frame is good when its length is within bounds, all of it is present, its CRC matches and
 *   its offset is the expected one. On open, the newest segment is cut back after the last good
 *   frame (a torn or corrupt tail); a reader that meets a bad frame in an older segment skips the
 *   rest of that segment.
 * - u64 fields are written as 16 zero bits + u48, so they are exact JavaScript numbers; a frame
 *   with non-zero top bits is corrupt.
 */
import { crc32 } from 'node:zlib'
import type { BusRecord, ConsumedRecord } from './bus.ts'
import { setHeader } from './bus-headers.ts'

export const SEGMENT_MAGIC = Buffer.from('PSCLOG01', 'ascii')
export const SEGMENT_HEADER_BYTES = 16
export const FRAME_HEADER_BYTES = 8
/** offset + timestamp + keyLength + headerCount + valueLength */
const PAYLOAD_FIXED_BYTES = 8 + 8 + 4 + 2 + 4
/** no frame is larger than this, whatever the configuration: a larger length field is corrupt */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024
const MAX_HEADERS = 0xffff

export function segmentFileName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, '0')}.log`
}

/** the base offset of a segment file name, or null when the name is not a segment's */
export function parseSegmentFileName(name: string): number | null {
  const m = /^(\d{20})\.log$/.exec(name)
  return m ? Number(m[1]) : null
}

export function encodeSegmentHeader(baseOffset: number): Buffer {
  const buf = Buffer.alloc(SEGMENT_HEADER_BYTES)
  SEGMENT_MAGIC.copy(buf, 0)
  writeU64(buf, 8, baseOffset)
  return buf
}

/** the base offset in a segment header, or null when the header is missing or damaged */
export function parseSegmentHeader(buf: Buffer): number | null {
  if (buf.length < SEGMENT_HEADER_BYTES || !buf.subarray(0, 8).equals(SEGMENT_MAGIC)) return null
  return readU64(buf, 8)
}

/** Bytes the frame of `record` takes on disk; throws for a header that the format cannot hold. */
export function frameBytes(record: BusRecord): number {
  let size = FRAME_HEADER_BYTES + PAYLOAD_FIXED_BYTES + (record.key?.length ?? 0) + record.value.length
  const names = Object.keys(record.headers)
  if (names.length > MAX_HEADERS) throw new RangeError(`a record has ${names.length} headers; at most ${MAX_HEADERS}`)
  for (const name of names) {
    const nameBytes = Buffer.byteLength(name)
    if (nameBytes > 0xffff) throw new RangeError(`header name of ${nameBytes} bytes; at most 65535`)
    size += 2 + nameBytes + 4 + Buffer.byteLength(record.headers[name]!)
  }
  return size
}

/**
 * Writes the frames of `records` with consecutive offsets from `firstOffset` into one buffer.
 * `sizes[i]` must be `frameBytes(records[i])`. Returns the buffer and each frame's start in it.
 */
export function encodeFrames(
  records: readonly BusRecord[],
  sizes: readonly number[],
  firstOffset: number,
  timestampMs: number,
): Buffer {
  let total = 0
  for (const s of sizes) total += s
  const buf = Buffer.allocUnsafe(total)
  let pos = 0
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!
    const start = pos
    pos += FRAME_HEADER_BYTES
    const payloadStart = pos
    writeU64(buf, pos, firstOffset + i)
    pos += 8
    writeU64(buf, pos, timestampMs)
    pos += 8
    if (record.key === null) {
      buf.writeInt32BE(-1, pos)
      pos += 4
    } else {
      buf.writeInt32BE(record.key.length, pos)
      pos += 4
      pos += record.key.copy(buf, pos)
    }
    const names = Object.keys(record.headers)
    buf.writeUInt16BE(names.length, pos)
    pos += 2
    for (const name of names) {
      const nameLength = buf.write(name, pos + 2, 'utf8')
      buf.writeUInt16BE(nameLength, pos)
      pos += 2 + nameLength
      const valueLength = buf.write(record.headers[name]!, pos + 4, 'utf8')
      buf.writeUInt32BE(valueLength, pos)
      pos += 4 + valueLength
    }
    buf.writeUInt32BE(record.value.length, pos)
    pos += 4
    pos += record.value.copy(buf, pos)
    if (pos - start !== sizes[i]) throw new Error(`frame size mismatch: wrote ${pos - start}, expected ${sizes[i]}`)
    buf.writeUInt32BE(pos - payloadStart, start)
    buf.writeUInt32BE(crc32(buf.subarray(payloadStart, pos)), start + 4)
  }
  return buf
}

export type DecodeStop =
  /** the buffer ended exactly at a frame boundary */
  | 'end'
  /** the buffer ends inside a frame: read more (or, at the end of the file, a torn tail) */
  | 'partial'
  /** a frame is damaged: bad length, CRC, offset or payload structure */
  | 'corrupt'
  /** a limit (records or bytes) was reached */
  | 'limit'

export interface DecodeResult {
  records: ConsumedRecord[]
  /** bytes of `buf` consumed by whole good frames */
  consumedBytes: number
  nextOffset: number
  stop: DecodeStop
  /** for 'partial': the full size of the frame that did not fit, when its length was readable */
  neededBytes?: number
}

/**
 * Decodes the good frames at the start of `buf`, expecting `expectedOffset` first. Records below
 * `skipBelowOffset` are checked but not returned (seeking). Keys and values are views into `buf`.
 * `headersOnly` validates length and CRC only (index building, recovery): records stay empty.
 */
export function decodeFrames(
  buf: Buffer,
  expectedOffset: number,
  limits: { maxRecords: number; maxBytes: number; skipBelowOffset?: number; headersOnly?: boolean },
): DecodeResult {
  const records: ConsumedRecord[] = []
  let pos = 0
  let offset = expectedOffset
  let returnedBytes = 0
  const skipBelow = limits.skipBelowOffset ?? -1
  const result = (stop: DecodeStop, neededBytes?: number): DecodeResult => ({
    records,
    consumedBytes: pos,
    nextOffset: offset,
    stop,
    ...(neededBytes === undefined ? {} : { neededBytes }),
  })
  for (;;) {
    if (pos === buf.length) return result('end')
    if (!limits.headersOnly && offset >= skipBelow && (records.length >= limits.maxRecords || (records.length > 0 && returnedBytes >= limits.maxBytes))) {
      return result('limit')
    }
    if (buf.length - pos < FRAME_HEADER_BYTES) return result('partial')
    const length = buf.readUInt32BE(pos)
    if (length < PAYLOAD_FIXED_BYTES || length > MAX_FRAME_BYTES) return result('corrupt')
    const frameSize = FRAME_HEADER_BYTES + length
    if (buf.length - pos < frameSize) return result('partial', frameSize)
    if (!limits.headersOnly && records.length > 0 && offset >= skipBelow && returnedBytes + frameSize > limits.maxBytes) {
      return result('limit')
    }
    const payload = buf.subarray(pos + FRAME_HEADER_BYTES, pos + frameSize)
    if (crc32(payload) !== buf.readUInt32BE(pos + 4)) return result('corrupt')
    if (readU64(payload, 0) !== offset) return result('corrupt')
    if (!limits.headersOnly && offset >= skipBelow) {
      const record = decodePayload(payload, offset)
      if (record === null) return result('corrupt')
      records.push(record)
      returnedBytes += frameSize
    }
    pos += frameSize
    offset++
  }
}

function decodePayload(payload: Buffer, offset: number): ConsumedRecord | null {
  const timestampMs = readU64(payload, 8)
  if (timestampMs === null) return null
  let pos = 16
  const keyLength = payload.readInt32BE(pos)
  pos += 4
  let key: Buffer | null = null
  if (keyLength >= 0) {
    if (pos + keyLength > payload.length) return null
    key = payload.subarray(pos, pos + keyLength)
    pos += keyLength
  } else if (keyLength !== -1) return null
  if (pos + 2 > payload.length) return null
  const headerCount = payload.readUInt16BE(pos)
  pos += 2
  const headers: Record<string, string> = {}
  for (let h = 0; h < headerCount; h++) {
    if (pos + 2 > payload.length) return null
    const nameLength = payload.readUInt16BE(pos)
    pos += 2
    if (pos + nameLength + 4 > payload.length) return null
    const name = payload.toString('utf8', pos, pos + nameLength)
    pos += nameLength
    const valueLength = payload.readUInt32BE(pos)
    pos += 4
    if (pos + valueLength > payload.length) return null
    setHeader(headers, name, payload.toString('utf8', pos, pos + valueLength))
    pos += valueLength
  }
  if (pos + 4 > payload.length) return null
  const valueLength = payload.readUInt32BE(pos)
  pos += 4
  if (pos + valueLength !== payload.length) return null
  return { key, value: payload.subarray(pos), headers, offset: String(offset), timestampMs }
}

function writeU64(buf: Buffer, pos: number, value: number): void {
  buf.writeUInt16BE(0, pos)
  buf.writeUIntBE(value, pos + 2, 6)
}

function readU64(buf: Buffer, pos: number): number | null {
  if (buf.readUInt16BE(pos) !== 0) return null
  return buf.readUIntBE(pos + 2, 6)
}
