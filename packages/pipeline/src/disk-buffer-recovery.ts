/**
 * DiskBuffer recovery at open: scans every segment (disk-buffer-format.ts), truncates a torn tail
 * of the newest one (the normal trace of a crash mid-append), discards and reports corrupt
 * regions elsewhere, deletes segments that are fully acknowledged, and finds where reading
 * resumes: the first frame past the persisted cursor.
 */
import { open, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { MAGIC, SEGMENT_HEADER_BYTES, SEGMENT_RE, parseSegment, segmentName } from './disk-buffer-format.ts'

export interface Segment {
  firstSeq: number
  /** highest seq durable in this segment (firstSeq - 1 when empty) */
  lastSeq: number
  path: string
  /** durable size in bytes, header included */
  sizeBytes: number
}

export interface RecoveredState {
  segments: Segment[]
  ackedSeq: number
  lastSeq: number
  unackedBytes: number
  corruptBytes: number
  /** position of the next entry to read */
  readSegmentIndex: number
  readOffset: number
  readSeq: number
}

export async function recoverSegments(
  dir: string,
  cursorSeq: number,
  onCorruption?: (info: { segment: string; offset: number; lostBytes: number }) => void,
): Promise<RecoveredState> {
  let ackedSeq = cursorSeq
  const segments: Segment[] = []
  let unackedBytes = 0
  let corruptBytes = 0
  let readSegmentIndex = 0
  let readOffset = SEGMENT_HEADER_BYTES
  let readSeq = ackedSeq
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
        onCorruption?.({ segment: name, offset: 0, lostBytes: bytes.length })
        await rm(path)
        continue
      }
      // a torn write at the tail of the active segment is the normal trace of a crash mid-append
      if (!isLast) {
        corruptBytes += bytes.length - validBytes
        onCorruption?.({ segment: name, offset: validBytes, lostBytes: bytes.length - validBytes })
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
  const lastSeq = segments[segments.length - 1]!.lastSeq
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

  return { segments, ackedSeq, lastSeq, unackedBytes, corruptBytes, readSegmentIndex, readOffset, readSeq }
}
