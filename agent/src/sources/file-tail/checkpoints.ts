/**
 * File checkpoints: for each tailed file (by device + inode) the offset up to which the
 * collector acknowledged its lines.
 *
 * Disk format: `<dataDir>/checkpoints.json` = { "version": 1, "files": FilePosition[] }, replaced
 * atomically (write tmp, fsync, rename), so a crash leaves either the old or the new file.
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
  /** persists the current state if it changed since the last save */
  save(): Promise<void>
}

export async function openCheckpointStore(path: string): Promise<CheckpointStore> {
  const positions = new Map<string, FilePosition>()
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { version?: number; files?: FilePosition[] }
    if (parsed.version !== 1 || !Array.isArray(parsed.files)) throw new Error(`${path}: unknown checkpoint format`)
    for (const position of parsed.files) positions.set(position.key, position)
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
      await handle.writeFile(JSON.stringify({ version: 1, files: [...positions.values()] }))
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
