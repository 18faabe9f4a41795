/**
 * DiskBuffer: a bounded, durable FIFO of opaque entries on local disk, for an agent that must keep
 * data across collector outages and its own SIGKILL.
 *
 * Disk format (directory `dir`):
 *   segment-<firstSeq, 16 decimal digits>.psb   entries in seq order; the newest one is "active"
 *     header  8 bytes  "PSCBUF" 0x00 0x01 (magic + format version 1)
 *     frame*  [u32 LE payloadLength][u32 LE crc32(seq bytes ++ payload)][u64 LE seq][payload]
 *   cursor                                       the highest acknowledged seq:
 *     [u64 LE ackedSeq][u32 LE crc32(those 8 bytes)], replaced atomically (write tmp + rename)
 *   lock                                         pid of the owning process
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
import { crc32 } from 'node:zlib'
import { mkdir, open, readdir, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'

const MAGIC = Buffer.from([0x50, 0x53, 0x43, 0x42, 0x55, 0x46, 0x00, 0x01])
const SEGMENT_HEADER_BYTES = MAGIC.length
const FRAME_HEADER_BYTES = 16
const SEGMENT_RE = /^segment-(\d{16})\.psb$/

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

interface Segment {
  firstSeq: number
  /** highest seq durable in this segment (firstSeq - 1 when empty) */
  lastSeq: number
  path: string
  /** durable size in bytes, header included */
  sizeBytes: number
}

interface Pending {
  seq: number
  frame: Buffer
  resolve: (result: AppendResult) => void
  reject: (error: Error) => void
}

function segmentName(firstSeq: number): string {
  return `segment-${String(firstSeq).padStart(16, '0')}.psb`
}

function frameCrc(seq: number, payload: Uint8Array): number {
  const seqBytes = Buffer.allocUnsafe(8)
  seqBytes.writeBigUInt64LE(BigInt(seq))
  return crc32(payload, crc32(seqBytes))
}

function encodeFrame(seq: number, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length)
  frame.writeUInt32LE(payload.length, 0)
  frame.writeUInt32LE(frameCrc(seq, payload), 4)
  frame.writeBigUInt64LE(BigInt(seq), 8)
  frame.set(payload, FRAME_HEADER_BYTES)
  return frame
}

interface ParsedFrame {
  seq: number
  offset: number
  frameBytes: number
  payload: Buffer
}

/** Parses the frames of one segment's bytes; `validBytes` is where the last good frame ends. */
function parseSegment(bytes: Buffer): { frames: ParsedFrame[]; validBytes: number } {
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

async function takeLock(dir: string): Promise<void> {
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

async function readCursor(dir: string): Promise<number> {
  try {
    const bytes = await readFile(join(dir, 'cursor'))
    if (bytes.length !== 12 || crc32(bytes.subarray(0, 8)) !== bytes.readUInt32LE(8)) return 0
    return Number(bytes.readBigUInt64LE(0))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw error
  }
}

export async function openDiskBuffer(options: DiskBufferOptions): Promise<DiskBuffer> {
  const dir = options.dir
  const maxBytes = options.maxBytes
  const segmentBytes = options.segmentBytes ?? 16 * 1024 * 1024
  const maxEntryBytes = options.maxEntryBytes ?? 8 * 1024 * 1024
  const commitIntervalMs = options.commitIntervalMs ?? 0
  await mkdir(dir, { recursive: true })
  await takeLock(dir)

  let ackedSeq = await readCursor(dir)
  const segments: Segment[] = []
  let unackedBytes = 0
  let corruptBytes = 0
  let fullRejections = 0
  /** position of the next entry to `read` */
  let readSegmentIndex = 0
  let readOffset = SEGMENT_HEADER_BYTES
  let readSeq = ackedSeq
  /** frame sizes of entries read but not yet acknowledged, oldest first */
  const readQueue: Array<{ seq: number; frameBytes: number }> = []

  // ---- recovery -------------------------------------------------------------------------------
  const names = (await readdir(dir)).filter((n) => SEGMENT_RE.test(n)).sort()
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!
    const path = join(dir, name)
    const firstSeq = Number(SEGMENT_RE.exec(name)![1])
    const bytes = await readFile(path)
    const { frames, validBytes } = parseSegment(bytes)
    const isLast = i === names.length - 1
    if (validBytes < bytes.length) {
      if (validBytes === 0 && !isLast) {
        corruptBytes += bytes.length
        options.onCorruption?.({ segment: name, offset: 0, lostBytes: bytes.length })
        await rm(path)
        continue
      }
      // a torn write at the tail of the active segment is the normal trace of a crash mid-append
      if (!isLast) {
        corruptBytes += bytes.length - validBytes
        options.onCorruption?.({ segment: name, offset: validBytes, lostBytes: bytes.length - validBytes })
      }
      const handle = await open(path, 'r+')
      try {
        if (validBytes === 0) await handle.write(MAGIC, 0, MAGIC.length, 0)
        await handle.truncate(Math.max(validBytes, SEGMENT_HEADER_BYTES))
      } finally {
        await handle.close()
      }
    }
    const lastSeq = frames.length ? frames[frames.length - 1]!.seq : firstSeq - 1
    if (lastSeq <= ackedSeq && !isLast) {
      await rm(path)
      continue
    }
    for (const frame of frames) if (frame.seq > ackedSeq) unackedBytes += frame.frameBytes
    segments.push({ firstSeq, lastSeq, path, sizeBytes: Math.max(validBytes, SEGMENT_HEADER_BYTES) })
  }
  if (segments.length === 0) {
    const firstSeq = ackedSeq + 1
    const path = join(dir, segmentName(firstSeq))
    await writeFile(path, MAGIC)
    segments.push({ firstSeq, lastSeq: firstSeq - 1, path, sizeBytes: SEGMENT_HEADER_BYTES })
  }
  let lastSeq = segments[segments.length - 1]!.lastSeq
  let durableSeq = lastSeq
  if (ackedSeq > lastSeq) ackedSeq = lastSeq
  readSeq = Math.max(ackedSeq, segments[0]!.firstSeq - 1)
  // position the reader on the first unacknowledged frame
  {
    let found = false
    for (let i = 0; i < segments.length && !found; i++) {
      const segment = segments[i]!
      if (segment.lastSeq <= readSeq) continue
      const { frames } = parseSegment(await readFile(segment.path))
      for (const frame of frames) {
        if (frame.seq > readSeq) {
          readSegmentIndex = i
          readOffset = frame.offset
          readSeq = frame.seq - 1
          found = true
          break
        }
      }
    }
    if (!found) {
      readSegmentIndex = segments.length - 1
      readOffset = segments[readSegmentIndex]!.sizeBytes
    }
  }
  ackedSeq = Math.max(ackedSeq, readSeq)

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
      const bytes = Buffer.allocUnsafe(12)
      bytes.writeBigUInt64LE(BigInt(ackedSeq), 0)
      bytes.writeUInt32LE(crc32(bytes.subarray(0, 8)), 8)
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
