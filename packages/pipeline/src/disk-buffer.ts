/**
 * DiskBuffer: a bounded, durable FIFO of opaque entries on local disk, for an agent that must keep
 * data across collector outages and its own SIGKILL.
 *
 * Disk format: segment files of framed, checksummed entries plus a cursor file; see
 * disk-buffer-format.ts.
 *
 * Invariants:
 * - seqs are consecutive from 1 across segments; an entry is visible to `read` only after the
 *   fdatasync that made it durable (group commit: every append waiting when a flush starts shares
 *   that flush's one write + fdatasync), and `append` resolves only then — so whatever a caller
 *   was told was appended survives SIGKILL and power loss.
 * - `unackedBytes` (frame bytes of entries with seq > ackedSeq, including appends in flight) never
 *   exceeds `maxBytes`; an append that would exceed it is refused with `{ ok: false, reason: 'full' }`
 *   (the caller applies back-pressure; nothing is dropped here). Disk use is bounded by
 *   maxBytes + about two segments (the partly acknowledged head and the active segment).
 * - A segment is deleted once every entry in it is acknowledged and it is no longer active.
 * - The cursor may lag the real acknowledgements (it is written after them, not fsynced): after a
 *   crash the entries past the persisted cursor are delivered again (at-least-once).
 * - Recovery scans every segment: a torn or corrupt tail of the active segment (a crash mid-write)
 *   is truncated away; a corrupt frame elsewhere ends that segment and is counted.
 */
import { mkdir, open, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import {
  FRAME_HEADER_BYTES,
  MAGIC,
  SEGMENT_HEADER_BYTES,
  encodeCursor,
  encodeFrame,
  frameCrc,
  parseSegment,
  readCursor,
  segmentName,
  takeLock,
  type ParsedFrame,
} from './disk-buffer-format.ts'
import { recoverSegments, type Segment } from './disk-buffer-recovery.ts'

export interface DiskBufferOptions {
  dir: string
  /** bound on the frame bytes of unacknowledged entries */
  maxBytes: number
  /** a segment is closed and a new one started past this size */
  segmentBytes?: number
  /** an entry larger than this is a bug in the caller (it must split its batches) */
  maxEntryBytes?: number
  /** how long an append may wait for others to share its fdatasync; 0 = next tick */
  commitIntervalMs?: number
  /** called once per corrupt region found during recovery */
  onCorruption?: (info: { segment: string; offset: number; lostBytes: number }) => void
}

export type AppendResult = { ok: true; id: number } | { ok: false; reason: 'full' }

export interface BufferEntry {
  id: number
  payload: Buffer
}

export interface DiskBufferStats {
  unackedBytes: number
  unackedEntries: number
  maxBytes: number
  segments: number
  /** appends refused because the buffer was full */
  fullRejections: number
  /** bytes discarded as corrupt during recovery */
  corruptBytes: number
}

export interface DiskBuffer {
  /** Durably appends one entry; resolves after fdatasync. */
  append(payload: Uint8Array): Promise<AppendResult>
  /** true when an entry of this payload size would be accepted now */
  hasRoom(payloadBytes: number): boolean
  /** The next durable entry after the last one read, or undefined when there is none yet. */
  read(): Promise<BufferEntry | undefined>
  /** Resolves when an entry is available to `read` (or at once if one is), or when aborted. */
  waitForData(signal?: AbortSignal): Promise<void>
  /** Acknowledges every read entry with id ≤ `id`; frees their space. */
  ack(id: number): Promise<void>
  /** Every unacknowledged durable entry, oldest first, without moving the read position. */
  unacked(): AsyncIterable<BufferEntry>
  stats(): DiskBufferStats
  close(): Promise<void>
}

interface Pending {
  seq: number
  frame: Buffer
  resolve: (result: AppendResult) => void
  reject: (error: Error) => void
}

export async function openDiskBuffer(options: DiskBufferOptions): Promise<DiskBuffer> {
  const dir = options.dir
  const maxBytes = options.maxBytes
  const segmentBytes = options.segmentBytes ?? 16 * 1024 * 1024
  const maxEntryBytes = options.maxEntryBytes ?? 8 * 1024 * 1024
  const commitIntervalMs = options.commitIntervalMs ?? 0
  await mkdir(dir, { recursive: true })
  await takeLock(dir)

  const recovered = await recoverSegments(dir, await readCursor(dir), options.onCorruption)
  const segments = recovered.segments
  let { ackedSeq, unackedBytes, readSegmentIndex, readOffset, readSeq, lastSeq } = recovered
  const corruptBytes = recovered.corruptBytes
  let durableSeq = lastSeq
  let fullRejections = 0
  /** frame sizes of entries read but not yet acknowledged, oldest first */
  const readQueue: Array<{ seq: number; frameBytes: number }> = []

  let active = segments[segments.length - 1]!
  let activeHandle: FileHandle = await open(active.path, 'r+')
  let readHandle: { path: string; handle: FileHandle } | undefined

  // ---- appends: group commit ------------------------------------------------------------------
  let pending: Pending[] = []
  let flushing = false
  let flushTimer: NodeJS.Timeout | undefined
  let closed = false
  const waiters = new Set<() => void>()

  function notifyReaders(): void {
    for (const wake of waiters) wake()
    waiters.clear()
  }

  async function roll(firstSeq: number): Promise<void> {
    await activeHandle.close()
    const path = join(dir, segmentName(firstSeq))
    activeHandle = await open(path, 'w+')
    await activeHandle.write(MAGIC, 0, MAGIC.length, 0)
    active = { firstSeq, lastSeq: firstSeq - 1, path, sizeBytes: SEGMENT_HEADER_BYTES }
    segments.push(active)
    // the new file's directory entry must be durable before entries in it are acknowledged
    const dirHandle = await open(dir, 'r')
    try {
      await dirHandle.sync()
    } finally {
      await dirHandle.close()
    }
  }

  async function writeChunk(frames: Pending[]): Promise<void> {
    if (frames.length === 0) return
    const bytes = frames.length === 1 ? frames[0]!.frame : Buffer.concat(frames.map((p) => p.frame))
    let written = 0
    while (written < bytes.length) {
      const { bytesWritten } = await activeHandle.write(bytes, written, bytes.length - written, active.sizeBytes + written)
      written += bytesWritten
    }
    await activeHandle.datasync()
    active.sizeBytes += bytes.length
    active.lastSeq = frames[frames.length - 1]!.seq
  }

  async function flush(): Promise<void> {
    flushing = true
    try {
      while (pending.length > 0) {
        const batch = pending
        pending = []
        try {
          let chunk: Pending[] = []
          let chunkBytes = 0
          for (const item of batch) {
            const startsNewSegment = active.sizeBytes + chunkBytes > SEGMENT_HEADER_BYTES
            if (startsNewSegment && active.sizeBytes + chunkBytes + item.frame.length > segmentBytes) {
              await writeChunk(chunk)
              chunk = []
              chunkBytes = 0
              await roll(item.seq)
            }
            chunk.push(item)
            chunkBytes += item.frame.length
          }
          await writeChunk(chunk)
          durableSeq = batch[batch.length - 1]!.seq
          for (const item of batch) item.resolve({ ok: true, id: item.seq })
          notifyReaders()
        } catch (cause) {
          const error = new Error(`disk buffer ${dir}: append failed`, { cause })
          for (const item of batch) item.reject(error)
        }
      }
    } finally {
      flushing = false
    }
  }

  function scheduleFlush(): void {
    if (flushing || flushTimer) return
    const run = (): void => {
      flushTimer = undefined
      if (!flushing) void flush()
    }
    flushTimer = setTimeout(run, commitIntervalMs)
  }

  // ---- cursor -----------------------------------------------------------------------------------
  let cursorWrite: Promise<void> | undefined
  let cursorDirty = false

  async function writeCursor(): Promise<void> {
    while (cursorDirty) {
      cursorDirty = false
      const bytes = encodeCursor(ackedSeq)
      const tmp = join(dir, 'cursor.tmp')
      await writeFile(tmp, bytes)
      await rename(tmp, join(dir, 'cursor'))
    }
  }

  function persistCursor(): Promise<void> {
    cursorDirty = true
    if (!cursorWrite) {
      cursorWrite = writeCursor().finally(() => {
        cursorWrite = undefined
      })
    }
    return cursorWrite
  }

  async function segmentHandle(segment: Segment): Promise<FileHandle> {
    if (readHandle?.path === segment.path) return readHandle.handle
    if (readHandle) await readHandle.handle.close()
    readHandle = { path: segment.path, handle: await open(segment.path, 'r') }
    return readHandle.handle
  }

  async function readFrameAt(segment: Segment, offset: number): Promise<ParsedFrame> {
    const handle = await segmentHandle(segment)
    const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES)
    await handle.read(header, 0, FRAME_HEADER_BYTES, offset)
    const length = header.readUInt32LE(0)
    const seq = Number(header.readBigUInt64LE(8))
    const payload = Buffer.allocUnsafe(length)
    const { bytesRead } = await handle.read(payload, 0, length, offset + FRAME_HEADER_BYTES)
    if (bytesRead !== length || frameCrc(seq, payload) !== header.readUInt32LE(4)) {
      throw new Error(`disk buffer ${dir}: corrupt frame at ${segment.path}:${offset}`)
    }
    return { seq, offset, frameBytes: FRAME_HEADER_BYTES + length, payload }
  }

  return {
    append(payload) {
      if (closed) return Promise.reject(new Error(`disk buffer ${dir} is closed`))
      if (payload.length > maxEntryBytes) {
        return Promise.reject(new RangeError(`entry of ${payload.length} bytes exceeds maxEntryBytes ${maxEntryBytes}`))
      }
      const frameBytes = FRAME_HEADER_BYTES + payload.length
      if (unackedBytes + frameBytes > maxBytes) {
        fullRejections++
        return Promise.resolve({ ok: false, reason: 'full' })
      }
      const seq = ++lastSeq
      unackedBytes += frameBytes
      return new Promise<AppendResult>((resolve, reject) => {
        pending.push({ seq, frame: encodeFrame(seq, payload), resolve, reject })
        scheduleFlush()
      })
    },

    hasRoom(payloadBytes) {
      return unackedBytes + FRAME_HEADER_BYTES + payloadBytes <= maxBytes
    },

    async read() {
      if (readSeq >= durableSeq) return undefined
      let segment = segments[readSegmentIndex]!
      while (readOffset >= segment.sizeBytes || segment.lastSeq <= readSeq) {
        readSegmentIndex++
        segment = segments[readSegmentIndex]!
        readOffset = SEGMENT_HEADER_BYTES
      }
      const frame = await readFrameAt(segment, readOffset)
      readOffset += frame.frameBytes
      readSeq = frame.seq
      readQueue.push({ seq: frame.seq, frameBytes: frame.frameBytes })
      return { id: frame.seq, payload: frame.payload }
    },

    waitForData(signal) {
      if (readSeq < durableSeq || signal?.aborted) return Promise.resolve()
      return new Promise<void>((resolve) => {
        const wake = (): void => {
          signal?.removeEventListener('abort', wake)
          waiters.delete(wake)
          resolve()
        }
        waiters.add(wake)
        signal?.addEventListener('abort', wake, { once: true })
      })
    },

    async ack(id) {
      if (id > readSeq) throw new Error(`ack of entry ${id} that was not read (last read ${readSeq})`)
      if (id <= ackedSeq) return
      while (readQueue.length > 0 && readQueue[0]!.seq <= id) unackedBytes -= readQueue.shift()!.frameBytes
      ackedSeq = id
      const cursorPersisted = persistCursor()
      // drop fully acknowledged segments, never the active one or the one being read
      while (segments.length > 1 && segments[0]!.lastSeq <= ackedSeq && segments[0] !== active && readSegmentIndex > 0) {
        const head = segments.shift()!
        readSegmentIndex--
        if (readHandle?.path === head.path) {
          await readHandle.handle.close()
          readHandle = undefined
        }
        await rm(head.path, { force: true })
      }
      await cursorPersisted
    },

    async *unacked() {
      let lastYielded = ackedSeq
      for (const segment of [...segments]) {
        if (segment.lastSeq <= lastYielded) continue
        let bytes: Buffer
        try {
          bytes = await readFile(segment.path)
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue
          throw error
        }
        for (const frame of parseSegment(bytes.subarray(0, segment.sizeBytes)).frames) {
          if (frame.seq <= lastYielded || frame.seq > durableSeq) continue
          lastYielded = frame.seq
          yield { id: frame.seq, payload: frame.payload }
        }
      }
    },

    stats() {
      return {
        unackedBytes,
        unackedEntries: lastSeq - ackedSeq,
        maxBytes,
        segments: segments.length,
        fullRejections,
        corruptBytes,
      }
    },

    async close() {
      if (closed) return
      closed = true
      if (flushTimer) {
        clearTimeout(flushTimer)
        flushTimer = undefined
      }
      while (flushing || pending.length > 0) {
        if (!flushing) await flush()
        else await new Promise((r) => setTimeout(r, 1))
      }
      notifyReaders()
      if (cursorWrite) await cursorWrite
      await activeHandle.close()
      if (readHandle) await readHandle.handle.close()
      await rm(join(dir, 'lock'), { force: true })
    },
  }
}
