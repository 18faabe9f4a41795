/**
 * Telling files apart across rotation. A file is identified by (device, inode) — a rename keeps
 * both — and checked with a fingerprint: the crc32 of its first bytes (up to FINGERPRINT_BYTES).
 * A fingerprint that no longer matches means the inode was truncated and rewritten, or reused by
 * a new file; either way the saved offset no longer applies.
 */
import { open, readdir, stat, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { crc32 } from 'node:zlib'

export const FINGERPRINT_BYTES = 256

export interface Fingerprint {
  bytes: number
  crc: number
}

export async function readFingerprint(handle: FileHandle, sizeBytes: number, wantBytes = FINGERPRINT_BYTES): Promise<Fingerprint> {
  const length = Math.min(sizeBytes, wantBytes)
  if (length === 0) return { bytes: 0, crc: 0 }
  const buffer = Buffer.allocUnsafe(length)
  const { bytesRead } = await handle.read(buffer, 0, length, 0)
  return { bytes: bytesRead, crc: crc32(buffer.subarray(0, bytesRead)) }
}

export async function fingerprintMatches(handle: FileHandle, sizeBytes: number, expected: Fingerprint): Promise<boolean> {
  if (expected.bytes === 0) return true
  if (sizeBytes < expected.bytes) return false
  const actual = await readFingerprint(handle, sizeBytes, expected.bytes)
  return actual.bytes === expected.bytes && actual.crc === expected.crc
}

/** Whether the file at `path` still holds exactly what `position` described: its size and first bytes. */
export async function unchangedSince(path: string, position: { offset: number; fingerprintBytes: number; fingerprintCrc: number }): Promise<boolean> {
  let handle: FileHandle | undefined
  try {
    handle = await open(path, 'r')
    const { size } = await handle.stat()
    return size === position.offset && (await fingerprintMatches(handle, size, { bytes: position.fingerprintBytes, crc: position.fingerprintCrc }))
  } catch {
    return false
  } finally {
    await handle?.close()
  }
}

/** Whether the file at `path` begins with the bytes one of `fingerprints` describes (it is a copy of that file). */
export async function beginsLikeAny(path: string, fingerprints: Iterable<Fingerprint>): Promise<boolean> {
  let handle: FileHandle | undefined
  try {
    handle = await open(path, 'r')
    const { size } = await handle.stat()
    for (const fingerprint of fingerprints) {
      // an empty fingerprint describes nothing (and would match every file)
      if (fingerprint.bytes > 0 && (await fingerprintMatches(handle, size, fingerprint))) return true
    }
    return false
  } catch {
    return false
  } finally {
    await handle?.close()
  }
}

/** The identity and end of the file at `path` now: a position at its end. */
export async function endOf(path: string): Promise<{ dev: number; ino: number; size: number; fingerprint: Fingerprint } | undefined> {
  let handle: FileHandle | undefined
  try {
    handle = await open(path, 'r')
    const st = await handle.stat()
    return { dev: st.dev, ino: st.ino, size: st.size, fingerprint: await readFingerprint(handle, st.size) }
  } catch {
    return undefined
  } finally {
    await handle?.close()
  }
}

/** A file in `dir` with this device and inode (a file renamed by rotation), if any. */
export async function findByInode(dir: string, dev: number, ino: number): Promise<string | undefined> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return undefined
  }
  for (const name of names) {
    try {
      const st = await stat(join(dir, name))
      if (st.dev === dev && st.ino === ino && st.isFile()) return join(dir, name)
    } catch {
      // vanished between readdir and stat
    }
  }
  return undefined
}

export interface TruncationLoss {
  /** the rotated copy the lost bytes were found in, when found */
  copyPath?: string
  /** bytes and lines written after our last read and before the truncation; undefined = unknown */
  lostBytes?: number
  lostLines?: number
}

const MAX_LOSS_SCAN_BYTES = 256 * 1024 * 1024

/**
 * After copytruncate, the lines written between our last read and the truncation exist only in
 * the copy (app.log → app.log.1). Finds the copy — a sibling whose name starts with the file's
 * name, with the same fingerprint and at least `readOffset` bytes — and measures what we missed.
 */
export async function measureTruncationLoss(path: string, fingerprint: Fingerprint, readOffset: number): Promise<TruncationLoss> {
  const dir = dirname(path)
  const base = basename(path)
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return {}
  }
  for (const name of names) {
    if (name === base || !name.startsWith(base)) continue
    const candidate = join(dir, name)
    let handle: FileHandle | undefined
    try {
      handle = await open(candidate, 'r')
      const st = await handle.stat()
      if (!st.isFile() || st.size < readOffset) continue
      if (!(await fingerprintMatches(handle, st.size, fingerprint))) continue
      const lostBytes = st.size - readOffset
      let lostLines = 0
      const chunk = Buffer.allocUnsafe(1 << 20)
      for (let position = readOffset; position < Math.min(st.size, readOffset + MAX_LOSS_SCAN_BYTES); ) {
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, position)
        if (bytesRead === 0) break
        for (let i = chunk.indexOf(10, 0); i !== -1 && i < bytesRead; i = chunk.indexOf(10, i + 1)) lostLines++
        position += bytesRead
      }
      return { copyPath: candidate, lostBytes, lostLines }
    } catch {
      continue
    } finally {
      await handle?.close()
    }
  }
  return {}
}
