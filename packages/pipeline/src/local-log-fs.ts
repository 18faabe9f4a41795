/**
 * File-system steps the local log relies on for durability: syncing a directory after a file in
 * it was created, renamed or removed; replacing a file atomically; and one process per log
 * directory (a pid lock file).
 */
import { open, rename, readFile, writeFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'

/** makes a directory's entries (created, renamed, removed files) durable */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** replaces `path` with `data` so that a crash leaves either the old or the new content */
export async function writeFileAtomic(path: string, data: string | Buffer, dir: string): Promise<void> {
  const tmp = `${path}.tmp`
  const handle = await open(tmp, 'w')
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(tmp, path)
  await fsyncDir(dir)
}

export class LogDirectoryLockedError extends Error {
  override readonly name = 'LogDirectoryLockedError'
}

/**
 * Takes `<dir>/LOCK` for this process. The lock holds the pid; a lock whose process is gone (the
 * previous owner was killed) is taken over. Returns the release function.
 */
export async function lockLogDirectory(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'LOCK')
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx' })
      return async () => {
        await unlink(path).catch(() => undefined)
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim())
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
      throw new LogDirectoryLockedError(`local log directory ${dir} is in use by process ${holder}`)
    }
    // stale: its process is gone
    await unlink(path).catch(() => undefined)
  }
  throw new LogDirectoryLockedError(`could not lock local log directory ${dir}`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
