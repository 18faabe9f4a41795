/**
 * File checkpoints: for each tailed file (by device + inode) the offset up to which the
 * collector acknowledged its lines, plus what finding unseen rotated generations needs
 * (generations.ts): the files already read to their end, and when discovery last looked.
 *
 * Disk format: `<dataDir>/checkpoints.json` =
 *   { "version": 1,
 *     "files": FilePosition[],            tracked files
 *     "finished"?: FilePosition[],        files read to their end and closed (offset = their size
 *                                         then), kept while they still exist, at most MAX_FINISHED
 *     "discoveredAtMs"?: number }         wall-clock start of a completed discovery
 * replaced atomically (write tmp, fsync, rename), so a crash leaves either the old or the new file.
 * The optional fields were added later; a file without them reads as "none" (older agents ignore
 * them). `discoveredAtMs` is saved along with the next change, not on its own: a stale (older)
 * value only widens the search for unseen generations, it never hides one.
 *
 * Where a restarted agent resumes reading (see file-tail.ts for the whole invariant):
 *   resume(key) = the position in the newest unacknowledged DiskBuffer entry that names the file,
 *                 else the checkpoint.
 * Entries are acknowledged in order, so a checkpoint is never newer than a position still in the
 * buffer; lines before the resume position are acknowledged or durably buffered, lines after it
 * are read again.
 */
import { open, readFile, rename } from 'node:fs/promises'
import type { FilePosition } from '../../buffer-entry.ts'

export interface CheckpointStore {
  get(key: string): FilePosition | undefined
  set(position: FilePosition): void
  delete(key: string): void
  all(): FilePosition[]
  /** a file read to its end and closed, by key */
  finished(key: string): FilePosition | undefined
  finish(position: FilePosition): void
  forgetFinished(key: string): void
  allFinished(): FilePosition[]
  /** wall-clock start of the last completed discovery; undefined before the first one */
  discoveredAtMs(): number | undefined
  setDiscoveredAtMs(ms: number): void
  /** persists the current state if it changed since the last save */
  save(): Promise<void>
}

/** bound on remembered finished files (oldest forgotten first) */
export const MAX_FINISHED = 4096

interface CheckpointFile {
  version?: number
  files?: FilePosition[]
  finished?: FilePosition[]
  discoveredAtMs?: number
}

export async function openCheckpointStore(path: string): Promise<CheckpointStore> {
  const positions = new Map<string, FilePosition>()
  const finished = new Map<string, FilePosition>()
  let discoveredAtMs: number | undefined
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as CheckpointFile
    if (parsed.version !== 1 || !Array.isArray(parsed.files)) throw new Error(`${path}: unknown checkpoint format`)
    for (const position of parsed.files) positions.set(position.key, position)
    for (const position of parsed.finished ?? []) finished.set(position.key, position)
    if (typeof parsed.discoveredAtMs === 'number') discoveredAtMs = parsed.discoveredAtMs
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read checkpoints ${path}`, { cause: error })
  }
  let dirty = false
  let saving: Promise<void> = Promise.resolve()

  async function write(): Promise<void> {
    if (!dirty) return
    dirty = false
    const tmp = `${path}.tmp`
    const handle = await open(tmp, 'w')
    try {
      const state: CheckpointFile = { version: 1, files: [...positions.values()], finished: [...finished.values()], discoveredAtMs }
      await handle.writeFile(JSON.stringify(state))
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(tmp, path)
  }

  return {
    get: (key) => positions.get(key),
    set(position) {
      positions.set(position.key, position)
      dirty = true
    },
    delete(key) {
      if (positions.delete(key)) dirty = true
    },
    all: () => [...positions.values()],
    finished: (key) => finished.get(key),
    finish(position) {
      finished.delete(position.key)
      finished.set(position.key, position)
      if (finished.size > MAX_FINISHED) finished.delete(finished.keys().next().value!)
      dirty = true
    },
    forgetFinished(key) {
      if (finished.delete(key)) dirty = true
    },
    allFinished: () => [...finished.values()],
    discoveredAtMs: () => discoveredAtMs,
    setDiscoveredAtMs(ms) {
      // the first one is saved at once (it marks that the first start is over); later ones ride along
      if (discoveredAtMs === undefined) dirty = true
      discoveredAtMs = ms
    },
    save() {
      // saves run one after another so an older state never overwrites a newer one
      saving = saving.then(write, write)
      return saving
    },
  }
}

/** Resume positions: the newest buffered position of each file wins over its checkpoint. */
export function resumePositions(checkpoints: readonly FilePosition[], bufferedOldestFirst: Iterable<FilePosition>): Map<string, FilePosition> {
  const resume = new Map<string, FilePosition>()
  for (const position of checkpoints) resume.set(position.key, position)
  for (const position of bufferedOldestFirst) resume.set(position.key, position)
  return resume
}
