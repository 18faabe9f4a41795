/**
 * Generations of a tailed file that never sat at a globbed path while discovery looked: a file
 * rotated more than once between two discoveries, or while the agent was down
 * (app.log → app.log.1 → app.log.2, a new app.log each time: the middle inode was created and
 * renamed away unseen, and a glob such as `*.log` never matches its rotated names).
 *
 * Which files are such generations. Each discovery records when it started (wall clock; the last
 * completed one is persisted with the checkpoints) and, after its glob, scans for generations
 * modified since the previous discovery started. Why nothing is missed: let G be a file no glob
 * ever found at its watched path, renamed away at r, and k the first discovery whose glob ran
 * after r. Discovery k-1's glob ran before r without finding G, so G was created after it, hence
 * after discovery k-1 started — and G's mtime (its creation or last line) is later still. Discovery
 * k scans after its glob, when G already bears its rotated name, with exactly that threshold. A
 * rename changes the directory's mtime, so only directories modified since the threshold are
 * listed. After a restart the persisted start (possibly older: never newer) is the threshold.
 * Candidates, in the directory of each watched path (app.log): regular files named as its
 * rotations — the name, then `.`, `-` or `_` and anything (app.log.1, app.log-20240101,
 * 0.log.20240101-120000), not compressed — not tracked, not at a globbed path, modified after the
 * threshold (less MTIME_SLACK_MS for coarse file timestamps). Old rotated history is older and
 * stays unread; files already read to their end are remembered (checkpoints' `finished`), so
 * they are not read twice — and if written to after they were closed, read on from their end —
 * until they leave the directory or stay unmodified for FINISHED_KEEP_MS (then they are no
 * candidates any more; the memory is bounded because checkpoints.json is rewritten on every ack).
 * Exclude globs apply to discovery, not here: a generation continues a file that was included.
 * Not covered: rotation into another directory (logrotate's olddir), and a generation compressed
 * or deleted before it was found — a checkpointed one is counted as missing by file-tail.ts.
 */
import { readdir, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** file timestamps may lag the wall clock by a clock tick; a wider margin only costs a few stats */
export const MTIME_SLACK_MS = 1_000
/** how long a finished file unmodified since is still remembered */
export const FINISHED_KEEP_MS = 10 * 60_000

const COMPRESSED = /\.(gz|bz2|xz|zst|lz4|zip|z)$/i
const SEPARATORS = new Set(['.', '-', '_'])

export interface DirectoryEntry {
  path: string
  /** `${dev}:${ino}` */
  key: string
  dev: number
  ino: number
  sizeBytes: number
  mtimeMs: number
}

export interface Generation extends DirectoryEntry {
  /** the watched path it is a rotation of (app.log for app.log.1) */
  livePath: string
}

export async function statEntry(path: string): Promise<DirectoryEntry | undefined> {
  try {
    const st = await stat(path)
    if (!st.isFile()) return undefined
    return { path, key: `${st.dev}:${st.ino}`, dev: st.dev, ino: st.ino, sizeBytes: st.size, mtimeMs: st.mtimeMs }
  } catch {
    return undefined
  }
}

/** The watched name `name` is a rotation of, if any (the longest that fits). */
export function rotationOf(name: string, liveNames: Iterable<string>): string | undefined {
  if (COMPRESSED.test(name)) return undefined
  let best: string | undefined
  for (const live of liveNames) {
    if (name.length > live.length + 1 && name.startsWith(live) && SEPARATORS.has(name[live.length]!) && (!best || live.length > best.length)) best = live
  }
  return best
}

export interface GenerationScan {
  /** oldest first (by mtime), so a file's lines are read in the order they were written */
  generations: Generation[]
  /** the rotated-name files in each directory that was looked at: key → mtime */
  present: Map<string, Map<string, number>>
}

/**
 * The rotated-name files modified after `sinceMs` in the directories of `livePaths` that
 * `skip` does not rule out (tracked, or at a globbed path). Directories not modified since
 * `sinceMs` are not listed.
 */
export async function findGenerations(livePaths: Iterable<string>, sinceMs: number, skip: (entry: DirectoryEntry) => boolean): Promise<GenerationScan> {
  const byDir = new Map<string, Set<string>>()
  for (const path of livePaths) {
    const dir = dirname(path)
    let names = byDir.get(dir)
    if (!names) byDir.set(dir, (names = new Set()))
    names.add(basename(path))
  }
  const generations: Generation[] = []
  const present = new Map<string, Map<string, number>>()
  for (const [dir, liveNames] of byDir) {
    let names: string[]
    try {
      if ((await stat(dir)).mtimeMs <= sinceMs) continue
      names = await readdir(dir)
    } catch {
      continue
    }
    const keys = new Map<string, number>()
    present.set(dir, keys)
    for (const name of names) {
      const live = rotationOf(name, liveNames)
      if (live === undefined) continue
      const entry = await statEntry(join(dir, name))
      if (!entry) continue
      keys.set(entry.key, entry.mtimeMs)
      if (entry.mtimeMs > sinceMs && !skip(entry)) generations.push({ ...entry, livePath: join(dir, live) })
    }
  }
  generations.sort((a, b) => a.mtimeMs - b.mtimeMs)
  return { generations, present }
}
