/**
 * file_tail's discovery: which files to tail and where each one starts. One round:
 * 1. glob the include patterns (minus exclude);
 * 2. at the first round after a (re)start, every inode we were reading (checkpoints overlaid
 *    with buffered positions), at a globbed path or under whatever name rotation gave it in its
 *    directory, resumes from its position; one that is gone is counted as missing and logged;
 * 3. generations no round ever saw at a globbed path (generations.ts) are read from 0, oldest
 *    first — except copies of a file we read (copytruncate's) and files already read to their end;
 * 4. new files at globbed paths start at 0 — or, at the first start ever with `startAt: end`, at
 *    their end unless a checkpoint names their path or they changed since the last round before
 *    the restart — and tracked files no glob reaches any more become orphans (read to their end,
 *    then closed by file-tail.ts).
 * A round records its start time (generations.ts needs it) only if it tracked everything it
 * should have; otherwise the next round looks again from the older time.
 */
import { dirname } from 'node:path'
import { glob } from 'tinyglobby'
import type { Logger } from '@periscope/runtime'
import type { AgentMetrics } from '../../agent-metrics.ts'
import type { FilePosition } from '../../buffer-entry.ts'
import type { CheckpointStore } from './checkpoints.ts'
import { beginsLikeAny, findByInode, unchangedSince, type Fingerprint } from './file-identity.ts'
import { FINISHED_KEEP_MS, findGenerations, MTIME_SLACK_MS, statEntry, type DirectoryEntry } from './generations.ts'

/** What discovery needs of a tracked file. */
export interface DiscoveredFile {
  key: string
  /** the watched path its lines are attributed to */
  path: string
  fingerprint: Fingerprint
  /** set once no glob reaches this inode any more (renamed or deleted) */
  orphanSinceMs?: number | undefined
}

export interface OpenRequest {
  /** where the inode is now */
  openPath: string
  /** the watched path its lines are attributed to (a rotated file keeps the one it was read under) */
  path: string
  dev: number
  ino: number
  start: number | 'end'
  /** where we were in it: a resume position, or where a finished file was closed */
  known?: FilePosition | undefined
  /** `known` is a finished file's end, not a checkpoint */
  knownFinished?: boolean
}

export interface DiscoveryDeps {
  include: readonly string[]
  exclude: readonly string[]
  startAt: 'end' | 'beginning'
  checkpoints: CheckpointStore
  /** positions to resume from at the first round: checkpoints overlaid with the newest buffered positions */
  resume: ReadonlyMap<string, FilePosition>
  /** the files being tailed, by key */
  files: ReadonlyMap<string, DiscoveredFile>
  /** opens and tracks a file (undefined when it cannot: gone, unreadable, too many open) */
  track(request: OpenRequest): Promise<DiscoveredFile | undefined>
  logger: Logger
  metrics: AgentMetrics['fileTail']
  now: () => number
  /** compared with file mtimes */
  wallClockMs: () => number
}

export interface Discovery {
  discover(): Promise<void>
}

export function createDiscovery(deps: DiscoveryDeps): Discovery {
  const { checkpoints, resume, files } = deps
  let initialDone = false

  async function discover(): Promise<void> {
    const initial = !initialDone
    const startedMs = deps.wallClockMs()
    const previousMs = checkpoints.discoveredAtMs()
    // a file modified after this was written after the previous round looked (generations.ts)
    const sinceMs = previousMs === undefined ? undefined : previousMs - MTIME_SLACK_MS
    const matched: DirectoryEntry[] = []
    for (const path of (await glob([...deps.include], { ignore: [...deps.exclude], absolute: true, onlyFiles: true, dot: true })).sort()) {
      const entry = await statEntry(path)
      if (entry) matched.push(entry)
    }
    let complete = true
    if (initial && !(await resumeKnown(matched))) complete = false
    if (sinceMs !== undefined && !(await openGenerations(sinceMs, matched))) complete = false
    const knownPaths = new Set([...resume.values()].map((p) => p.path))
    for (const entry of matched) {
      const existing = files.get(entry.key)
      if (existing) {
        if (existing.path !== entry.path) existing.path = entry.path
        existing.orphanSinceMs = undefined
        continue
      }
      const changedSince = sinceMs !== undefined && entry.mtimeMs > sinceMs
      const startAtEnd = initial && deps.startAt === 'end' && !knownPaths.has(entry.path) && !changedSince
      // a checkpoint here means an earlier attempt to track it failed; a finished file came back under a globbed name
      const checkpoint = checkpoints.get(entry.key)
      const finished = checkpoint ? undefined : checkpoints.finished(entry.key)
      const request: OpenRequest = { openPath: entry.path, path: entry.path, dev: entry.dev, ino: entry.ino, start: startAtEnd ? 'end' : 0, known: checkpoint ?? finished, knownFinished: finished !== undefined }
      if (!(await deps.track(request))) complete = false
    }
    const matchedKeys = new Set(matched.map((e) => e.key))
    for (const file of files.values()) {
      if (!matchedKeys.has(file.key) && file.orphanSinceMs === undefined) file.orphanSinceMs = deps.now()
    }
    initialDone = true
    if (complete) checkpoints.setDiscoveredAtMs(startedMs)
    await checkpoints.save()
  }

  /** Step 2; false if a file that is there could not be tracked. */
  async function resumeKnown(matched: readonly DirectoryEntry[]): Promise<boolean> {
    let complete = true
    const atGlob = new Map(matched.map((e) => [e.key, e]))
    for (const known of resume.values()) {
      if (files.has(known.key)) continue
      const globbed = atGlob.get(known.key)
      const openPath = globbed?.path ?? (await findByInode(dirname(known.path), known.dev, known.ino))
      if (openPath !== undefined) {
        // a rotated file keeps the watched path it was read under
        const file = await deps.track({ openPath, path: globbed?.path ?? known.path, dev: known.dev, ino: known.ino, start: 0, known })
        if (!file) complete = false
        else if (!globbed) file.orphanSinceMs = deps.now()
        continue
      }
      checkpoints.delete(known.key)
      const finished = checkpoints.finished(known.key)
      if (finished && finished.offset >= known.offset) continue // read to its end before it went
      deps.metrics.missingFiles.inc()
      deps.logger.error(
        { path: known.path, offset: known.offset },
        'checkpointed file is gone (rotated and deleted, compressed or moved away while the agent was down): lines written to it after the checkpoint were not read',
      )
    }
    return complete
  }

  /** The first bytes of the files we read (or, after a restart, were reading): a copy of one of them begins the same way. */
  function* copySources(): Iterable<Fingerprint> {
    for (const file of files.values()) yield file.fingerprint
    for (const p of resume.values()) yield { bytes: p.fingerprintBytes, crc: p.fingerprintCrc }
  }

  /** Step 3; false if a generation could not be tracked. */
  async function openGenerations(sinceMs: number, matched: readonly DirectoryEntry[]): Promise<boolean> {
    const matchedPaths = new Set(matched.map((e) => e.path))
    const livePaths = new Set(matchedPaths)
    for (const file of files.values()) livePaths.add(file.path)
    for (const p of resume.values()) livePaths.add(p.path)
    for (const p of checkpoints.allFinished()) livePaths.add(p.path)
    const scan = await findGenerations(livePaths, sinceMs, (entry) => files.has(entry.key) || matchedPaths.has(entry.path))
    // a finished file that left its directory, or has long been quiet, is no candidate to forget
    for (const done of checkpoints.allFinished()) {
      const present = scan.present.get(dirname(done.path))
      if (!present) continue
      const mtimeMs = present.get(done.key)
      if (mtimeMs === undefined || mtimeMs < sinceMs - FINISHED_KEEP_MS) checkpoints.forgetFinished(done.key)
    }
    let complete = true
    for (const generation of scan.generations) {
      const finished = checkpoints.finished(generation.key)
      if (finished && (await unchangedSince(generation.path, finished))) continue
      // a copy of a file we read (copytruncate's, before its truncation is noticed) holds no new lines
      if (!finished && (await beginsLikeAny(generation.path, copySources()))) continue
      const { path, livePath, dev, ino } = generation
      const file = await deps.track({ openPath: path, path: livePath, dev, ino, start: 0, known: finished, knownFinished: true })
      if (!file) {
        complete = false
        continue
      }
      file.orphanSinceMs = deps.now()
      if (!finished) {
        deps.metrics.unseenGenerations.inc()
        deps.logger.info({ path, watchedPath: livePath }, 'reading a rotated file that was never at its watched path when discovery looked (rotated more than once between discoveries or while the agent was down)')
      }
    }
    return complete
  }

  return { discover }
}
