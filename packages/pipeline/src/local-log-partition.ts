/**
 * One partition of the local log: an ordered list of segment files (format in
 * local-log-segment-format.ts), one writer, any number of readers.
 *
 * Invariants:
 * - Appends are group-committed: every append waiting when a flush starts is written with one
 *   writev and made durable with ONE fdatasync; `append` resolves only after that sync. Appends
 *   arriving during a flush wait for the next one. `groupCommitMs` > 0 holds a flush back that long
 *   so concurrent sends can join it.
 * - `endOffset` (the high watermark) and a segment's `sizeBytes` advance only after the sync, so a
 *   reader never sees a record that could still be lost.
 * - Only the newest segment is written. It rolls before a flush once it holds `segmentBytes`
 *   (a segment may exceed that by one flush). A new segment file is created with its header and
 *   synced, and the directory is synced, before any record goes into it.
 * - Retention deletes whole sealed segments, oldest first; the newest segment is never deleted.
 * - Pending (not yet written) bytes are bounded by `maxPendingBytes`; beyond it `append` rejects
 *   with a BusFullError at once (back-pressure, nothing is dropped silently).
 */
import { open, readdir, stat, unlink, mkdir, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { BusRecord, ConsumedRecord } from './bus.ts'
import type { BusCounters } from './bus-deps.ts'
import {
  FRAME_HEADER_BYTES,
  SEGMENT_HEADER_BYTES,
  decodeFrames,
  encodeFrames,
  encodeSegmentHeader,
  parseSegmentFileName,
  parseSegmentHeader,
  segmentFileName,
} from './local-log-segment-format.ts'
import { fsyncDir } from './local-log-fs.ts'

/** a sparse index entry is added at least every this many bytes */
const INDEX_INTERVAL_BYTES = 256 * 1024
const SCAN_CHUNK_BYTES = 4 * 1024 * 1024
const MIN_READ_BYTES = 64 * 1024

export class BusFullError extends Error {
  override readonly name = 'BusFullError'
}

export interface PartitionLogOptions {
  dir: string
  topic: string
  partition: number
  segmentBytes: number
  retentionBytes: number
  retentionMs: number
  groupCommitMs: number
  maxPendingBytes: number
  logger: Logger
  counters: BusCounters
}

/** where a reader stands: the next offset and, when known, the file position of its frame */
export interface ReadPosition {
  offset: number
  segmentBase: number
  /** -1 when unknown: the read seeks */
  filePosition: number
}

export interface ReadLimits {
  maxRecords: number
  maxBytes: number
}

export interface ReadResult {
  records: ConsumedRecord[]
  next: ReadPosition
  /** records passed over because retention deleted them or they sat behind a corrupt frame */
  skippedRecords: number
}

export interface PartitionLog {
  readonly topic: string
  readonly partition: number
  startOffset(): number
  /** the offset the next record gets; everything below it is durable */
  endOffset(): number
  sizeBytes(): number
  append(records: readonly BusRecord[], sizes: readonly number[]): Promise<void>
  /** a position that makes `read` seek to `offset` */
  positionAt(offset: number): ReadPosition
  read(from: ReadPosition, limits: ReadLimits): Promise<ReadResult>
  /** calls `listener` after every durable flush; returns the unsubscribe function */
  onAppend(listener: () => void): () => void
  enforceRetention(nowMs: number): Promise<void>
  close(): Promise<void>
}

interface Segment {
  base: number
  path: string
  /** durable bytes: header + good frames */
  sizeBytes: number
  /** offset after the last frame */
  endOffset: number
  lastWriteMs: number
  /** flat sparse index [offset, filePosition, …], ascending; null until built */
  index: number[] | null
  readHandle: Promise<FileHandle> | null
  readers: number
  deleted: boolean
}

interface PendingAppend {
  records: readonly BusRecord[]
  sizes: readonly number[]
  bytes: number
  resolve: () => void
  reject: (error: Error) => void
}

export async function openPartitionLog(options: PartitionLogOptions): Promise<PartitionLog> {
  const { dir, topic, partition, logger, counters } = options
  await mkdir(dir, { recursive: true })
  const segments = await recoverSegments(options)
  let active = segments[segments.length - 1]!
  let writeHandle: FileHandle = await open(active.path, 'a')
  const pending: PendingAppend[] = []
  let pendingBytes = 0
  let flushing = false
  let broken: Error | null = null
  let closed = false
  const listeners = new Set<() => void>()

  function segmentFor(offset: number): Segment {
    // binary search: the last segment whose base <= offset
    let lo = 0
    let hi = segments.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (segments[mid]!.base <= offset) lo = mid
      else hi = mid - 1
    }
    return segments[lo]!
  }

  async function roll(): Promise<void> {
    const base = active.endOffset
    const path = join(dir, segmentFileName(base))
    const handle = await open(path, 'w')
    try {
      await handle.write(encodeSegmentHeader(base))
      await handle.datasync()
    } finally {
      await handle.close()
    }
    await fsyncDir(dir)
    await writeHandle.close()
    const next: Segment = {
      base,
      path,
      sizeBytes: SEGMENT_HEADER_BYTES,
      endOffset: base,
      lastWriteMs: Date.now(),
      index: [],
      readHandle: null,
      readers: 0,
      deleted: false,
    }
    segments.push(next)
    active = next
    writeHandle = await open(path, 'a')
  }

  async function flushLoop(): Promise<void> {
    flushing = true
    try {
      while (pending.length > 0 && !closed) {
        if (options.groupCommitMs > 0) await sleep(options.groupCommitMs)
        const batch = pending.splice(0)
        const batchBytes = batch.reduce((n, p) => n + p.bytes, 0)
        pendingBytes -= batchBytes
        try {
          if (broken) throw broken
          if (active.sizeBytes >= options.segmentBytes) await roll()
          const nowMs = Date.now()
          const buffers: Buffer[] = []
          let offset = active.endOffset
          for (const p of batch) {
            buffers.push(encodeFrames(p.records, p.sizes, offset, nowMs))
            offset += p.records.length
          }
          const { bytesWritten } = await writeHandle.writev(buffers)
          if (bytesWritten !== batchBytes) throw new Error(`short write: ${bytesWritten} of ${batchBytes} bytes`)
          await writeHandle.datasync()
          counters.add('log_syncs')
          indexAppended(active, batch, active.endOffset)
          active.sizeBytes += batchBytes
          active.endOffset = offset
          active.lastWriteMs = nowMs
          for (const p of batch) p.resolve()
          for (const listener of listeners) listener()
        } catch (error) {
          const cause = error as Error
          try {
            // drop whatever part of the batch reached the file, so the next flush starts clean
            await writeHandle.truncate(active.sizeBytes)
          } catch (truncateError) {
            broken = new Error(`partition ${topic}/${partition} cannot be written until reopened`, { cause: truncateError })
            logger.error({ topic, partition, err: truncateError }, 'local log: cannot cut a failed write back; partition refuses writes')
          }
          for (const p of batch) p.reject(new Error(`append to ${topic}/${partition} failed`, { cause }))
        }
      }
    } finally {
      flushing = false
    }
  }

  function indexAppended(segment: Segment, batch: PendingAppend[], firstOffset: number): void {
    if (segment.index === null) return
    let position = segment.sizeBytes
    let offset = firstOffset
    let lastIndexed = segment.index.length > 0 ? segment.index[segment.index.length - 1]! : SEGMENT_HEADER_BYTES
    for (const p of batch) {
      for (const size of p.sizes) {
        if (segment.index.length === 0 || position - lastIndexed >= INDEX_INTERVAL_BYTES) {
          segment.index.push(offset, position)
          lastIndexed = position
        }
        position += size
        offset++
      }
    }
  }

  /** the nearest indexed frame at or before `offset` in `segment` */
  async function indexLookup(segment: Segment, offset: number): Promise<{ offset: number; filePosition: number }> {
    segment.index ??= (await scanSegment(segment.path, segment.base, segment.sizeBytes)).index
    const index = segment.index
    let found = { offset: segment.base, filePosition: SEGMENT_HEADER_BYTES }
    for (let i = 0; i < index.length && index[i]! <= offset; i += 2) found = { offset: index[i]!, filePosition: index[i + 1]! }
    return found
  }

  async function readChunk(segment: Segment, position: number, length: number): Promise<Buffer> {
    segment.readers++
    try {
      segment.readHandle ??= open(segment.path, 'r')
      const handle = await segment.readHandle
      const buf = Buffer.allocUnsafe(length)
      const { bytesRead } = await handle.read(buf, 0, length, position)
      return buf.subarray(0, bytesRead)
    } finally {
      segment.readers--
      if (segment.deleted && segment.readers === 0) void closeReadHandle(segment)
    }
  }

  type SegmentRead =
    | { kind: 'records'; records: ConsumedRecord[]; next: ReadPosition }
    | { kind: 'exhausted'; next: ReadPosition }
    | { kind: 'corrupt'; atOffset: number }

  /** decodes from a frame boundary of `segment`, dropping records below `target` */
  async function readSegment(segment: Segment, filePosition: number, decodeFrom: number, target: number, limits: ReadLimits): Promise<SegmentRead> {
    let position = filePosition
    let offset = decodeFrom
    let wantBytes = 0
    for (;;) {
      const available = segment.sizeBytes - position
      if (available <= 0) return { kind: 'exhausted', next: { offset, segmentBase: segment.base, filePosition: position } }
      const chunkBytes = Math.min(available, Math.max(limits.maxBytes, MIN_READ_BYTES, wantBytes))
      const buf = await readChunk(segment, position, chunkBytes)
      const decoded = decodeFrames(buf, offset, { ...limits, skipBelowOffset: target })
      position += decoded.consumedBytes
      offset = decoded.nextOffset
      wantBytes = 0
      if (decoded.records.length > 0) {
        return { kind: 'records', records: decoded.records, next: { offset, segmentBase: segment.base, filePosition: position } }
      }
      if (decoded.stop === 'corrupt') return { kind: 'corrupt', atOffset: offset }
      if (decoded.stop === 'partial' && decoded.consumedBytes === 0) {
        // a frame that does not fit in the durable part of the file is damage, not a torn write
        if (!decoded.neededBytes || decoded.neededBytes > available || buf.length < chunkBytes) return { kind: 'corrupt', atOffset: offset }
        wantBytes = decoded.neededBytes
      }
    }
  }

  async function read(from: ReadPosition, limits: ReadLimits): Promise<ReadResult> {
    let skippedRecords = 0
    let at = from
    for (;;) {
      const start = segments[0]!.base
      if (at.offset < start) {
        skippedRecords += start - at.offset
        at = { offset: start, segmentBase: start, filePosition: SEGMENT_HEADER_BYTES }
      }
      if (at.offset >= active.endOffset) return { records: [], next: at, skippedRecords }
      let segment = at.filePosition >= 0 ? segments.find((s) => s.base === at.segmentBase) : undefined
      let filePosition = at.filePosition
      let decodeFrom = at.offset
      if (!segment) {
        segment = segmentFor(at.offset)
        const entry = await indexLookup(segment, at.offset)
        filePosition = entry.filePosition
        decodeFrom = entry.offset
      }
      const result = await readSegment(segment, filePosition, decodeFrom, at.offset, limits)
      if (result.kind === 'records') return { records: result.records, next: result.next, skippedRecords }
      const next = segments[segments.indexOf(segment) + 1]
      if (result.kind === 'exhausted') {
        if (!next) return { records: [], next: result.next, skippedRecords }
        skippedRecords += Math.max(0, next.base - result.next.offset)
        at = { offset: next.base, segmentBase: next.base, filePosition: SEGMENT_HEADER_BYTES }
        continue
      }
      logger.error(
        { topic, partition, segment: segment.path, offset: result.atOffset },
        'local log: corrupt record in a sealed segment; skipping the rest of the segment',
      )
      counters.add('corrupt_segments_skipped')
      if (!next) throw new Error(`corrupt record at offset ${result.atOffset} of ${topic}/${partition} in the newest segment`)
      skippedRecords += next.base - result.atOffset
      at = { offset: next.base, segmentBase: next.base, filePosition: SEGMENT_HEADER_BYTES }
    }
  }

  async function closeReadHandle(segment: Segment): Promise<void> {
    const handle = segment.readHandle
    segment.readHandle = null
    if (handle) await (await handle).close().catch(() => undefined)
  }

  async function deleteOldest(reason: string): Promise<void> {
    const segment = segments.shift()!
    segment.deleted = true
    await unlink(segment.path)
    if (segment.readers === 0) await closeReadHandle(segment)
    counters.add('segments_deleted')
    logger.info({ topic, partition, baseOffset: segment.base, reason }, 'local log: retention deleted a segment')
  }

  return {
    topic,
    partition,
    startOffset: () => segments[0]!.base,
    endOffset: () => active.endOffset,
    sizeBytes: () => segments.reduce((n, s) => n + s.sizeBytes, 0),
    append(records, sizes) {
      if (closed) return Promise.reject(new Error(`partition ${topic}/${partition} is closed`))
      if (broken) return Promise.reject(broken)
      const bytes = sizes.reduce((n, s) => n + s, 0)
      if (pendingBytes + bytes > options.maxPendingBytes && pending.length > 0) {
        return Promise.reject(new BusFullError(`partition ${topic}/${partition} has ${pendingBytes} bytes waiting for disk`))
      }
      return new Promise<void>((resolve, reject) => {
        pending.push({ records, sizes, bytes, resolve, reject })
        pendingBytes += bytes
        if (!flushing) void flushLoop()
      })
    },
    positionAt(offset) {
      return { offset, segmentBase: -1, filePosition: -1 }
    },
    read,
    onAppend(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async enforceRetention(nowMs) {
      let total = segments.reduce((n, s) => n + s.sizeBytes, 0)
      while (segments.length > 1 && total > options.retentionBytes) {
        total -= segments[0]!.sizeBytes
        await deleteOldest('size')
      }
      while (segments.length > 1 && segments[0]!.lastWriteMs < nowMs - options.retentionMs) await deleteOldest('age')
    },
    async close() {
      if (closed) return
      while (flushing) await sleep(1)
      closed = true
      for (const p of pending.splice(0)) p.reject(new Error(`partition ${topic}/${partition} is closed`))
      await writeHandle.close()
      for (const segment of segments) await closeReadHandle(segment)
    },
  }
}

async function recoverSegments(options: PartitionLogOptions): Promise<Segment[]> {
  const { dir, topic, partition, logger, counters } = options
  const bases = (await readdir(dir))
    .map(parseSegmentFileName)
    .filter((b): b is number => b !== null)
    .sort((a, b) => a - b)
  if (bases.length === 0) {
    const path = join(dir, segmentFileName(0))
    await writeFreshSegment(path, 0)
    await fsyncDir(dir)
    bases.push(0)
  }
  const segments: Segment[] = []
  for (let i = 0; i < bases.length; i++) {
    const base = bases[i]!
    const path = join(dir, segmentFileName(base))
    const info = await stat(path)
    const segment: Segment = {
      base,
      path,
      sizeBytes: info.size,
      endOffset: bases[i + 1] ?? base,
      lastWriteMs: info.mtimeMs,
      index: null,
      readHandle: null,
      readers: 0,
      deleted: false,
    }
    segments.push(segment)
  }
  // Only the newest segment was being written: scan it and cut a torn or corrupt tail.
  const last = segments[segments.length - 1]!
  const scan = await scanSegment(last.path, last.base, last.sizeBytes)
  if (scan.headerDamaged || scan.goodBytes < last.sizeBytes) {
    const cutBytes = last.sizeBytes - scan.goodBytes
    logger.warn(
      { topic, partition, segment: last.path, cutBytes, reason: scan.headerDamaged ? 'damaged header' : scan.stop, keptRecords: scan.endOffset - last.base },
      'local log: cut a torn or corrupt tail back to the last good record',
    )
    counters.add('corrupt_tails_truncated')
    counters.add('corrupt_bytes_truncated', cutBytes)
    if (scan.headerDamaged) {
      await writeFreshSegment(last.path, last.base)
    } else {
      const handle = await open(last.path, 'r+')
      try {
        await handle.truncate(scan.goodBytes)
        await handle.datasync()
      } finally {
        await handle.close()
      }
    }
  }
  last.sizeBytes = scan.headerDamaged ? SEGMENT_HEADER_BYTES : scan.goodBytes
  last.endOffset = scan.headerDamaged ? last.base : scan.endOffset
  last.index = scan.headerDamaged ? [] : scan.index
  return segments
}

async function writeFreshSegment(path: string, base: number): Promise<void> {
  const handle = await open(path, 'w')
  try {
    await handle.write(encodeSegmentHeader(base))
    await handle.datasync()
  } finally {
    await handle.close()
  }
}

interface ScanResult {
  headerDamaged: boolean
  goodBytes: number
  endOffset: number
  index: number[]
  stop: 'end' | 'partial' | 'corrupt'
}

/** Validates every frame of a segment (length, CRC, offset) and builds its sparse index. */
async function scanSegment(path: string, base: number, sizeBytes: number): Promise<ScanResult> {
  const handle = await open(path, 'r')
  try {
    const header = Buffer.alloc(SEGMENT_HEADER_BYTES)
    const { bytesRead } = await handle.read(header, 0, SEGMENT_HEADER_BYTES, 0)
    if (bytesRead < SEGMENT_HEADER_BYTES || parseSegmentHeader(header) !== base) {
      return { headerDamaged: true, goodBytes: 0, endOffset: base, index: [], stop: 'corrupt' }
    }
    const index: number[] = []
    let position = SEGMENT_HEADER_BYTES
    let offset = base
    let lastIndexed = -INDEX_INTERVAL_BYTES
    let chunkBytes = SCAN_CHUNK_BYTES
    while (position < sizeBytes) {
      const length = Math.min(chunkBytes, sizeBytes - position)
      const buf = Buffer.allocUnsafe(length)
      const read = await handle.read(buf, 0, length, position)
      const chunk = buf.subarray(0, read.bytesRead)
      const decoded = decodeFrames(chunk, offset, { maxRecords: Infinity, maxBytes: Infinity, headersOnly: true })
      // index entries: walk the good frames' lengths again (cheap, 4-byte reads)
      let p = 0
      let o = offset
      while (p < decoded.consumedBytes) {
        if (position + p - lastIndexed >= INDEX_INTERVAL_BYTES) {
          index.push(o, position + p)
          lastIndexed = position + p
        }
        p += 8 + chunk.readUInt32BE(p)
        o++
      }
      position += decoded.consumedBytes
      offset = decoded.nextOffset
      if (decoded.stop === 'corrupt') return { headerDamaged: false, goodBytes: position, endOffset: offset, index, stop: 'corrupt' }
      if (decoded.stop === 'partial') {
        // the chunk ended inside a frame: a torn tail only if the file ends inside it too
        const neededBytes = decoded.neededBytes ?? FRAME_HEADER_BYTES
        if (position + neededBytes > sizeBytes) return { headerDamaged: false, goodBytes: position, endOffset: offset, index, stop: 'partial' }
        chunkBytes = Math.max(SCAN_CHUNK_BYTES, neededBytes)
        continue
      }
      chunkBytes = SCAN_CHUNK_BYTES
    }
    return { headerDamaged: false, goodBytes: position, endOffset: offset, index, stop: 'end' }
  } finally {
    await handle.close()
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
