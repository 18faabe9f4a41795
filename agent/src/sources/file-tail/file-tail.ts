/**
 * The `file_tail` source: follows files matched by globs and ships their lines as OTLP logs
 * through the DiskBuffer.
 *
 * Delivery invariant (what "0 lost" rests on). For every tracked file, let R = its resume
 * position: the position in the newest unacknowledged buffer entry naming it, else its
 * checkpoint (checkpoints.ts). Then every byte before R is either acknowledged by the collector
 * or inside a durable buffer entry that will be delivered; bytes after R are read again after a
 * restart. This holds because
 * - an entry's positions are taken after all records before them were put in that entry or an
 *   earlier one, and the entry is appended (fdatasync) before anything depends on it;
 * - a checkpoint is saved only after the collector acknowledged the entry carrying it and every
 *   earlier entry (and before the buffer's cursor moves past it): the sink acknowledges in entry
 *   order even with several requests in flight (sinks/ack-window.ts);
 * - a file first seen while running is checkpointed at offset 0 at once, so a restart reads it
 *   from its start even if none of its lines were shipped yet.
 * A SIGKILL can therefore cause duplicates (the entries in flight — at most collector.maxInFlight —
 * that the collector acknowledged before the buffer recorded it) but no loss, rotation included.
 *
 * Rotation. Files are tracked by (device, inode). A file renamed away (logrotate's default
 * create mode) or deleted keeps being read through its open descriptor to its end and closed
 * once it stayed there for `orphanIdleMs`; the new file at the path is a new inode and is read
 * from 0. A closed file is remembered as finished while it exists. Which files are tracked, and
 * from where, is discovery.ts: after a restart a checkpointed inode is looked for in its
 * directory under any name (app.log → app.log.1 → app.log.2) and drained from its resume
 * position, one that is gone is counted and logged, and generations no discovery saw at a
 * globbed path (rotated twice between two discoveries or while we were down) are read from 0.
 * copytruncate: a file that got shorter than our offset (or whose first bytes changed) was
 * truncated; we restart at 0 and count the lines written between our last read and the
 * truncation, measured in the rotated copy when it can be found — that loss is inherent to
 * copytruncate and is reported, not hidden. The copy itself is not read (remembered as finished).
 *
 * Back-pressure: when the buffer is full the encoded batch is kept and retried each poll, and no
 * file is read meanwhile; offsets stay where they are, nothing is dropped.
 * New files found at the first start start at their end with `startAt: end` (discovery.ts).
 */
import { open, type FileHandle } from 'node:fs/promises'
import { glob } from 'tinyglobby'
import type { KeyValue, LogRecord, LogsRequest, Resource } from '@periscope/model'
import type { AppendResult } from '@periscope/pipeline'
import type { Logger } from '@periscope/runtime'
import type { AgentMetrics, ComponentCounters } from '../../agent-metrics.ts'
import { encodeEntry, type FilePosition } from '../../buffer-entry.ts'
import { stringAttribute } from '../../transforms/any-value.ts'
import type { CheckpointStore } from './checkpoints.ts'
import { createDiscovery, type OpenRequest } from './discovery.ts'
import { endOf, FINGERPRINT_BYTES, fingerprintMatches, readFingerprint, type Fingerprint } from './file-identity.ts'
import { fileResource, reportTruncation, toLogRecord, withServiceName } from './file-records.ts'
import type { MultilineOptions } from './multiline.ts'
import type { LineFormat } from './parse-line.ts'
import { createRecordAssembler, type AssembledRecord, type RecordAssembler } from './record-assembler.ts'

export interface FileTailOptions {
  include: readonly string[]
  exclude: readonly string[]
  /** 'auto' also treats files under a pod log path (/var/log/pods/…) as CRI */
  format: LineFormat | 'cri'
  startAt: 'end' | 'beginning'
  pollIntervalMs: number
  globIntervalMs: number
  orphanIdleMs: number
  maxLineBytes: number
  maxOpenFiles: number
  readChunkBytes: number
  multiline: MultilineOptions
  batch: { maxRecords: number; maxBytes: number; maxDelayMs: number }
}

export interface FileTailDeps {
  buffer: { append(payload: Uint8Array): Promise<AppendResult> }
  encodeLogs: (request: LogsRequest) => Uint8Array
  checkpoints: CheckpointStore
  /** positions to resume from: checkpoints overlaid with the newest buffered positions */
  resume: ReadonlyMap<string, FilePosition>
  /** resource attributes for every record (host, node) */
  resourceAttributes: readonly KeyValue[]
  logger: Logger
  counters: ComponentCounters
  metrics: AgentMetrics['fileTail']
  now?: () => number
  /** compared with file mtimes, so the real clock unless a test says otherwise */
  wallClockMs?: () => number
}

export interface FileTail {
  start(): Promise<void>
  /** one round of discovery, reading and flushing; start() runs it on a timer */
  pollOnce(): Promise<void>
  /** Records positions of an entry the collector acknowledged as checkpoints, and saves them. */
  acknowledge(positions: readonly FilePosition[]): Promise<void>
  /** stops polling and ships what is pending (if the buffer takes it) */
  stop(): Promise<void>
  readonly paused: boolean
  trackedPaths(): string[]
}

interface TailedFile {
  key: string
  dev: number
  ino: number
  path: string
  handle: FileHandle
  readOffset: number
  fingerprint: Fingerprint
  assembler: RecordAssembler
  resource: Resource
  /** the file's resource per service named by its records: one object per name, so a batch groups by identity */
  serviceResources: Map<string, Resource>
  fileAttribute: KeyValue
  lineFormat: LineFormat
  /** set once the path no longer leads to this inode (renamed or deleted) */
  orphanSinceMs?: number
  lastGrowthMs: number
  /** safe offset included in the last appended entry */
  flushedOffset: number
  /** records assembled but not yet in a batch (at most one read chunk's worth) */
  backlog: AssembledRecord[]
}

const MAX_SERVICES_PER_FILE = 64
const SCOPE = { name: 'periscope-agent/file_tail', version: '', attributes: [], droppedAttributesCount: 0 }

export function createFileTail(options: FileTailOptions, deps: FileTailDeps): FileTail {
  const now = deps.now ?? Date.now
  const files = new Map<string, TailedFile>()
  const readBuffer = Buffer.allocUnsafe(options.readChunkBytes)
  let batch = new Map<Resource, LogRecord[]>()
  let batchRecords = 0
  let batchBytes = 0
  let batchStartedMs = 0
  /** an encoded entry the buffer refused (full); nothing is read until it is taken */
  let pendingEntry: { payload: Buffer; records: number; offsets: Array<[TailedFile, number]> } | undefined
  let lastGlobMs = Number.NEGATIVE_INFINITY
  let timer: NodeJS.Timeout | undefined
  let polling: Promise<void> | undefined
  let stopped = false
  /** the last poll left bytes unread in some file (its per-poll budget ran out) */
  let backlogged = false
  const warnedSkipped = new Set<string>()

  /** every byte before this is in a batch already (or skipped) */
  function safeOffset(file: TailedFile): number {
    let offset = file.assembler.safeOffset(file.readOffset)
    for (const record of file.backlog) if (record.startOffset < offset) offset = record.startOffset
    return offset
  }

  function position(file: TailedFile, offset: number): FilePosition {
    return {
      key: file.key,
      dev: file.dev,
      ino: file.ino,
      path: file.path,
      offset,
      fingerprintBytes: file.fingerprint.bytes,
      fingerprintCrc: file.fingerprint.crc,
    }
  }

  async function openTailed(request: OpenRequest): Promise<TailedFile | undefined> {
    const { openPath, path, dev, ino, known } = request
    let handle: FileHandle
    try {
      handle = await open(openPath, 'r')
    } catch (error) {
      deps.logger.warn({ path: openPath, err: error }, 'cannot open file to tail')
      return undefined
    }
    const st = await handle.stat()
    if (st.dev !== dev || st.ino !== ino) {
      // replaced between stat and open: the next discovery picks the new file up
      await handle.close()
      return undefined
    }
    let offset = request.start === 'end' ? st.size : request.start
    // the checkpoint to start from when the file has none: never past what is acknowledged or durably buffered
    let checkpointOffset = offset
    if (known) {
      const expected = { bytes: known.fingerprintBytes, crc: known.fingerprintCrc }
      const sameContent = await fingerprintMatches(handle, st.size, expected)
      if (!sameContent || st.size < known.offset) {
        // a finished file that changed is a reused inode, not a truncation of anything we read
        if (!request.knownFinished) await countTruncation(path, expected, known.offset)
        offset = 0
        checkpointOffset = 0
      } else {
        offset = known.offset
        // a resume position may come from an entry not acknowledged yet; a finished file's end is durable
        checkpointOffset = request.knownFinished ? known.offset : 0
      }
    }
    const fingerprint = await readFingerprint(handle, st.size)
    const { resource, cri } = fileResource(path, options.format, deps.resourceAttributes)
    const file: TailedFile = {
      key: `${dev}:${ino}`,
      dev,
      ino,
      path,
      handle,
      readOffset: offset,
      fingerprint,
      assembler: createRecordAssembler({ cri, maxLineBytes: options.maxLineBytes, multiline: options.multiline }),
      resource,
      serviceResources: new Map(),
      fileAttribute: stringAttribute('log.file.path', path),
      lineFormat: options.format === 'cri' ? 'auto' : options.format,
      lastGrowthMs: now(),
      flushedOffset: offset,
      backlog: [],
    }
    files.set(file.key, file)
    deps.checkpoints.forgetFinished(file.key)
    // a file must be checkpointed from the moment it is tracked: a restart before any of its lines
    // were acknowledged must still find it (otherwise it would count as new and start at its end)
    if (!deps.checkpoints.get(file.key) || (known && offset === 0)) deps.checkpoints.set(position(file, checkpointOffset))
    deps.metrics.openFiles.set(files.size)
    return file
  }

  /** Opens and tracks a file unless `maxOpenFiles` are open already (warned once per path). */
  async function track(request: OpenRequest): Promise<TailedFile | undefined> {
    if (files.size >= options.maxOpenFiles) {
      if (!warnedSkipped.has(request.openPath)) {
        warnedSkipped.add(request.openPath)
        deps.logger.warn({ path: request.openPath, maxOpenFiles: options.maxOpenFiles }, 'not tailing file: too many open files; consider raising sources.fileTail.maxOpenFiles')
      }
      return undefined
    }
    return openTailed(request)
  }

  async function countTruncation(path: string, fingerprint: Fingerprint, readOffset: number): Promise<void> {
    const copyPath = await reportTruncation(path, fingerprint, readOffset, deps)
    // copytruncate's copy is not read (what it holds beyond our offset is counted as lost, by
    // design); remembered as finished so the search for unseen generations leaves it alone
    const copy = copyPath === undefined ? undefined : await endOf(copyPath)
    if (copy) {
      const { dev, ino, size, fingerprint: first } = copy
      deps.checkpoints.finish({ key: `${dev}:${ino}`, dev, ino, path, offset: size, fingerprintBytes: first.bytes, fingerprintCrc: first.crc })
    }
  }

  async function closeFile(file: TailedFile): Promise<void> {
    files.delete(file.key)
    deps.checkpoints.delete(file.key)
    // remembered while it exists, so that the search for unseen generations does not read it again
    deps.checkpoints.finish(position(file, file.readOffset))
    deps.metrics.openFiles.set(files.size)
    await file.handle.close().catch(() => undefined)
  }

  /** Moves the file's backlog into the batch, cutting (appending) batches at their bounds; false when paused. */
  async function drainBacklog(file: TailedFile, observedNs: bigint): Promise<boolean> {
    while (file.backlog.length > 0) {
      if (batchRecords === 0) batchStartedMs = now()
      let taken = 0
      while (taken < file.backlog.length && batchRecords < options.batch.maxRecords && batchBytes < options.batch.maxBytes) {
        const item = file.backlog[taken++]!
        if (item.truncated) deps.metrics.truncatedRecords.inc()
        const { record, serviceName } = toLogRecord(item, file.lineFormat, file.fileAttribute, observedNs)
        const resource = serviceName === undefined ? file.resource : serviceResource(file, serviceName)
        let records = batch.get(resource)
        if (!records) {
          records = []
          batch.set(resource, records)
        }
        records.push(record)
        batchRecords++
        batchBytes += item.text.length + 64
      }
      deps.counters.received(taken)
      file.backlog.splice(0, taken)
      if (batchRecords >= options.batch.maxRecords || batchBytes >= options.batch.maxBytes) {
        if (!(await flushBatch())) return false
      }
    }
    return true
  }

  function serviceResource(file: TailedFile, serviceName: string): Resource {
    let resource = file.serviceResources.get(serviceName)
    if (!resource) {
      // bounded: a file naming very many services only costs duplicate (equal) resources in a batch
      if (file.serviceResources.size >= MAX_SERVICES_PER_FILE) file.serviceResources.clear()
      resource = withServiceName(file.resource, serviceName)
      file.serviceResources.set(serviceName, resource)
    }
    return resource
  }

  /** Appends the current batch; false when the buffer is full (the batch is then kept). */
  async function flushBatch(): Promise<boolean> {
    if (pendingEntry) return appendPending()
    const offsets: Array<[TailedFile, number]> = []
    const positions: FilePosition[] = []
    for (const file of files.values()) {
      const safe = safeOffset(file)
      if (safe !== file.flushedOffset) {
        offsets.push([file, safe])
        positions.push(position(file, safe))
      }
    }
    if (batchRecords === 0) {
      // nothing to ship (blank lines only): offsets can move on with the next entry
      return true
    }
    const request: LogsRequest = {
      resourceLogs: [...batch].map(([resource, logRecords]) => ({
        resource,
        scopeLogs: [{ scope: SCOPE, logRecords, schemaUrl: '' }],
        schemaUrl: '',
      })),
    }
    const payload = encodeEntry({ signal: 'logs', meta: { items: batchRecords, positions }, body: deps.encodeLogs(request) })
    pendingEntry = { payload, records: batchRecords, offsets }
    batch = new Map()
    batchRecords = 0
    batchBytes = 0
    return appendPending()
  }

  async function appendPending(): Promise<boolean> {
    const entry = pendingEntry!
    const result = await deps.buffer.append(entry.payload)
    if (!result.ok) {
      deps.metrics.backpressure.inc()
      return false
    }
    pendingEntry = undefined
    for (const [file, offset] of entry.offsets) file.flushedOffset = offset
    deps.counters.sent(entry.records)
    return true
  }

  async function readFile(file: TailedFile, nowMs: number, observedNs: bigint): Promise<boolean> {
    if (!(await drainBacklog(file, observedNs))) return false
    let st
    try {
      st = await file.handle.stat()
    } catch (error) {
      deps.logger.warn({ path: file.path, err: error }, 'cannot stat tailed file')
      return true
    }
    if (st.size < file.readOffset) {
      await countTruncation(file.path, file.fingerprint, file.readOffset)
      // what was read before the truncation is still good: ship its pending records first
      file.assembler.drain(file.backlog)
      if (!(await drainBacklog(file, observedNs))) return false
      file.readOffset = 0
      file.flushedOffset = 0
      const { cri } = fileResource(file.path, options.format, deps.resourceAttributes)
      file.assembler = createRecordAssembler({ cri, maxLineBytes: options.maxLineBytes, multiline: options.multiline })
      file.fingerprint = await readFingerprint(file.handle, st.size)
      deps.checkpoints.set(position(file, 0))
    }
    if (file.fingerprint.bytes < FINGERPRINT_BYTES && st.size > file.fingerprint.bytes) {
      file.fingerprint = await readFingerprint(file.handle, st.size)
    }
    // bounded per poll so one busy file cannot starve the others; the rest is read by the next
    // poll, which then comes at once instead of after pollIntervalMs (a backlog drains at full speed)
    const budgetEnd = Math.min(st.size, file.readOffset + 16 * options.readChunkBytes)
    while (file.readOffset < budgetEnd) {
      const { bytesRead } = await file.handle.read(readBuffer, 0, Math.min(readBuffer.length, budgetEnd - file.readOffset), file.readOffset)
      if (bytesRead === 0) break
      file.assembler.push(readBuffer.subarray(0, bytesRead), file.readOffset, nowMs, file.backlog)
      file.readOffset += bytesRead
      file.lastGrowthMs = nowMs
      if (!(await drainBacklog(file, observedNs))) return false
    }
    if (file.readOffset < st.size) backlogged = true
    file.assembler.tick(nowMs, file.backlog)
    return drainBacklog(file, observedNs)
  }

  async function pollOnce(): Promise<void> {
    backlogged = false
    if (pendingEntry && !(await appendPending())) return
    const nowMs = now()
    if (nowMs - lastGlobMs >= options.globIntervalMs) {
      lastGlobMs = nowMs
      await discovery.discover()
    }
    const observedNs = BigInt(nowMs) * 1_000_000n
    for (const file of [...files.values()]) {
      if (!(await readFile(file, nowMs, observedNs))) return
    }
    if (batchRecords > 0 && (nowMs - batchStartedMs >= options.batch.maxDelayMs || stopped)) {
      if (!(await flushBatch())) return
    }
    for (const file of [...files.values()]) {
      if (file.orphanSinceMs === undefined) continue
      const st = await file.handle.stat().catch(() => undefined)
      const atEnd = st === undefined || st.size <= file.readOffset
      if (!atEnd || nowMs - Math.max(file.lastGrowthMs, file.orphanSinceMs) < options.orphanIdleMs) continue
      // rotated away and quiet: its last partial line and pending multi-line record are final
      file.assembler.drain(file.backlog)
      if (!(await drainBacklog(file, observedNs))) return
      if (!(await flushBatch())) return
      deps.metrics.rotations.inc()
      deps.metrics.skippedBytes.inc(file.assembler.skippedBytes)
      await closeFile(file)
      await deps.checkpoints.save()
    }
  }

  const discovery = createDiscovery({
    include: options.include,
    exclude: options.exclude,
    startAt: options.startAt,
    checkpoints: deps.checkpoints,
    resume: deps.resume,
    files,
    track,
    logger: deps.logger,
    metrics: deps.metrics,
    now,
    wallClockMs: deps.wallClockMs ?? Date.now,
  })

  function schedule(): void {
    if (stopped) return
    // never at once while paused on a full buffer: a paused poll returns before reading, so `backlogged` stays false
    timer = setTimeout(() => {
      polling = pollOnce()
        .catch((error: unknown) => deps.logger.error({ err: error }, 'file tail poll failed'))
        .finally(() => {
          polling = undefined
          schedule()
        })
    }, backlogged ? 0 : options.pollIntervalMs)
  }

  return {
    async start() {
      await pollOnce()
      schedule()
    },
    pollOnce,
    async acknowledge(acked) {
      for (const p of acked) {
        // files closed since keep no checkpoint: their last lines were durable before they closed
        if (files.has(p.key)) deps.checkpoints.set(p)
      }
      await deps.checkpoints.save()
    },
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      if (polling) await polling
      if (pendingEntry) await appendPending()
      else if (batchRecords > 0) await flushBatch()
      for (const file of [...files.values()]) {
        deps.metrics.skippedBytes.inc(file.assembler.skippedBytes)
        await file.handle.close().catch(() => undefined)
      }
      files.clear()
      await deps.checkpoints.save()
    },
    get paused() {
      return pendingEntry !== undefined
    },
    trackedPaths: () => [...files.values()].map((f) => f.path),
  }
}
