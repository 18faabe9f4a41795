/**
 * The DiskBuffer's on-disk format (directory `dir`):
 *   segment-<firstSeq, 16 decimal digits>.psb   entries in seq order; the newest one is "active"
 *     header  8 bytes  "PSCBUF" 0x00 0x01 (magic + format version 1)
 *     frame*  [u32 LE payloadLength][u32 LE crc32(seq bytes ++ payload)][u64 LE seq][payload]
 *   cursor                                       the highest acknowledged seq:
 *     [u64 LE ackedSeq][u32 LE crc32(those 8 bytes)], replaced atomically (write tmp + rename)
 *   lock                                         pid of the owning process
 * A frame is valid only if it is complete and its checksum matches; parsing stops at the first
 * invalid frame, which is how a torn write at the tail is recognised.
 */
import { crc32 } from 'node:zlib'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export const MAGIC = Buffer.from([0x50, 0x53, 0x43, 0x42, 0x55, 0x46, 0x00, 0x01])
export const SEGMENT_HEADER_BYTES = MAGIC.length
export const FRAME_HEADER_BYTES = 16
export const SEGMENT_RE = /^segment-(\d{16})\.psb$/

export function segmentName(firstSeq: number): string {
  return `segment-${String(firstSeq).padStart(16, '0')}.psb`
}

export function frameCrc(seq: number, payload: Uint8Array): number {
  const seqBytes = Buffer.allocUnsafe(8)
  seqBytes.writeBigUInt64LE(BigInt(seq))
  return crc32(payload, crc32(seqBytes))
}

export function encodeFrame(seq: number, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length)
  frame.writeUInt32LE(payload.length, 0)
  frame.writeUInt32LE(frameCrc(seq, payload), 4)
  frame.writeBigUInt64LE(BigInt(seq), 8)
  frame.set(payload, FRAME_HEADER_BYTES)
  return frame
}

export interface ParsedFrame {
  seq: number
  offset: number
  frameBytes: number
  payload: Buffer
}

/** Parses the frames of one segment's bytes; `validBytes` is where the last good frame ends. */
export function parseSegment(bytes: Buffer): { frames: ParsedFrame[]; validBytes: number } {
  const frames: ParsedFrame[] = []
  if (bytes.length < SEGMENT_HEADER_BYTES || !bytes.subarray(0, SEGMENT_HEADER_BYTES).equals(MAGIC)) {
    return { frames, validBytes: 0 }
  }
  let offset = SEGMENT_HEADER_BYTES
  while (offset + FRAME_HEADER_BYTES <= bytes.length) {
    const length = bytes.readUInt32LE(offset)
    const crc = bytes.readUInt32LE(offset + 4)
    const seq = Number(bytes.readBigUInt64LE(offset + 8))
    const end = offset + FRAME_HEADER_BYTES + length
    if (end > bytes.length) break
    const payload = bytes.subarray(offset + FRAME_HEADER_BYTES, end)
    if (frameCrc(seq, payload) !== crc) break
    frames.push({ seq, offset, frameBytes: end - offset, payload })
    offset = end
  }
  return { frames, validBytes: offset }
}

export async function takeLock(dir: string): Promise<void> {
  const lockPath = join(dir, 'lock')
  try {
    const owner = Number((await readFile(lockPath, 'utf8')).trim())
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid) {
      let alive = true
      try {
        process.kill(owner, 0)
      } catch {
        alive = false
      }
      if (alive) throw new Error(`disk buffer ${dir} is in use by process ${owner}`)
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  await writeFile(lockPath, `${process.pid}\n`)
}

export async function readCursor(dir: string): Promise<number> {
  try {
    const bytes = await readFile(join(dir, 'cursor'))
    if (bytes.length !== 12 || crc32(bytes.subarray(0, 8)) !== bytes.readUInt32LE(8)) return 0
    return Number(bytes.readBigUInt64LE(0))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw error
  }
}


export function encodeCursor(ackedSeq: number): Buffer {
  const bytes = Buffer.allocUnsafe(12)
  bytes.writeBigUInt64LE(BigInt(ackedSeq), 0)
  bytes.writeUInt32LE(crc32(bytes.subarray(0, 8)), 8)
  return bytes
}
