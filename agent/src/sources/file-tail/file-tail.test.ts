import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appendFile, copyFile, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger, createSelfMetrics } from '@periscope/runtime'
import type { LogsRequest } from '@periscope/model'
import { createAgentMetrics } from '../../agent-metrics.ts'
import { decodeEntry, type FilePosition } from '../../buffer-entry.ts'
import { openCheckpointStore, resumePositions } from './checkpoints.ts'
import { createFileTail, type FileTailOptions } from './file-tail.ts'

/** A stand-in encoder for this unit test: the bodies as JSON (the real protobuf encoder is exercised by the agent's integration tests). */
function testEncodeLogs(request: LogsRequest): Uint8Array {
  const bodies = request.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords.map((r) => (r.body?.type === 'string' ? r.body.value : '?'))))
  return Buffer.from(JSON.stringify(bodies))
}

function memoryBuffer() {
  const entries: Array<{ bodies: string[]; positions: FilePosition[] }> = []
  let refuse = 0
  return {
    entries,
    refuseNext(n: number) {
      refuse = n
    },
    async append(payload: Uint8Array) {
      if (refuse > 0) {
        refuse--
        return { ok: false as const, reason: 'full' as const }
      }
      const entry = decodeEntry(Buffer.from(payload))
      entries.push({ bodies: JSON.parse(Buffer.from(entry.body).toString()) as string[], positions: entry.meta.positions ?? [] })
      return { ok: true as const, id: entries.length }
    },
    bodies: () => entries.flatMap((e) => e.bodies),
  }
}

const OPTIONS: FileTailOptions = {
  include: [],
  exclude: [],
  format: 'auto',
  startAt: 'beginning',
  pollIntervalMs: 10,
  globIntervalMs: 0,
  orphanIdleMs: 1000,
  maxLineBytes: 1024,
  maxOpenFiles: 100,
  readChunkBytes: 64,
  multiline: { mode: 'off', maxLines: 100, maxBytes: 10_000, flushTimeoutMs: 500 },
  batch: { maxRecords: 5, maxBytes: 1 << 20, maxDelayMs: 0 },
}

let dir = ''
let nowMs = 1_000_000
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-tail-'))
  nowMs = 1_000_000
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function setup(options: Partial<FileTailOptions> = {}, resume = new Map<string, FilePosition>()) {
  const metrics = createAgentMetrics(createSelfMetrics({ service: 'agent-test', defaultMetrics: false }))
  const buffer = memoryBuffer()
  const checkpoints = await openCheckpointStore(join(dir, 'checkpoints.json'))
  const tail = createFileTail(
    { ...OPTIONS, include: [join(dir, '*.log')], ...options },
    {
      buffer,
      encodeLogs: testEncodeLogs,
      checkpoints,
      resume,
      resourceAttributes: [],
      logger: createLogger({ service: 'agent-test', level: 'silent' }),
      counters: { received: () => {}, sent: () => {}, dropped: () => {}, failed: () => {} },
      metrics: metrics.fileTail,
      now: () => nowMs,
    },
  )
  return { tail, buffer, checkpoints, metrics }
}

const lines = (from: number, to: number, prefix = 'line') => Array.from({ length: to - from + 1 }, (_, i) => `${prefix} ${from + i}`)
const text = (ls: string[]) => ls.map((l) => l + '\n').join('')

describe('file_tail', () => {
  it('starts existing files at their end by default, reads what is appended', async () => {
    const path = join(dir, 'app.log')
    await writeFile(path, text(lines(1, 3)))
    const { tail, buffer } = await setup({ startAt: 'end' })
    await tail.pollOnce()
    await appendFile(path, text(lines(4, 12)))
    await tail.pollOnce()
    expect(buffer.bodies()).toEqual(lines(4, 12))
    // a batch is cut at 5 records and carries the position after its last line
    expect(buffer.entries.map((e) => e.bodies.length)).toEqual([5, 4])
    const firstEnd = Buffer.byteLength(text(lines(1, 3 + buffer.entries[0]!.bodies.length)))
    expect(buffer.entries[0]!.positions[0]!.offset).toBe(firstEnd)
    const size = Buffer.byteLength(text(lines(1, 12)))
    expect(buffer.entries.at(-1)!.positions[0]!.offset).toBe(size)
    await tail.stop()
  })

  it('follows rename rotation without losing or repeating a line', async () => {
    const path = join(dir, 'app.log')
    await writeFile(path, text(lines(1, 4)))
    const { tail, buffer, metrics } = await setup()
    await tail.pollOnce()
    // the writer still appends to the renamed file before it reopens the path
    await rename(path, join(dir, 'app.log.1'))
    await appendFile(join(dir, 'app.log.1'), text(lines(5, 7)))
    await writeFile(path, text(lines(8, 10)))
    await tail.pollOnce()
    nowMs += 2000
    await tail.pollOnce()
    expect(buffer.bodies().sort()).toEqual(lines(1, 10).sort())
    expect(tail.trackedPaths()).toEqual([path])
    expect((await metrics.fileTail.rotations.get()).values[0]!.value).toBe(1)
    await tail.stop()
  })

  it('reads a generation rotated away between two discoveries from its start, and no file twice', async () => {
    const path = join(dir, 'app.log')
    await writeFile(path, text(lines(1, 3)))
    const { tail, buffer, metrics } = await setup()
    await tail.pollOnce()
    // rotated twice before the next discovery: the middle file never sits at app.log when it looks
    await rename(path, join(dir, 'app.log.1'))
    await writeFile(path, text(lines(4, 6)))
    await rename(join(dir, 'app.log.1'), join(dir, 'app.log.2'))
    await rename(path, join(dir, 'app.log.1'))
    await writeFile(path, text(lines(7, 8)))
    await tail.pollOnce()
    nowMs += 2000
    // the rotated files, read to their end, close; later discoveries must not read them again
    await tail.pollOnce()
    await tail.pollOnce()
    nowMs += 2000
    await tail.pollOnce()
    expect(buffer.bodies().sort()).toEqual(lines(1, 8).sort())
    expect(tail.trackedPaths()).toEqual([path])
    expect((await metrics.fileTail.unseenGenerations.get()).values[0]!.value).toBe(1)
    expect((await metrics.fileTail.rotations.get()).values[0]!.value).toBe(2)
    // a late line in a closed rotated file is read on from where that file was finished
    await appendFile(join(dir, 'app.log.2'), text(['late 9']))
    await tail.pollOnce()
    await tail.pollOnce()
    expect(buffer.bodies().sort()).toEqual([...lines(1, 8), 'late 9'].sort())
    await tail.stop()
  })

  it('detects copytruncate, restarts at 0 and counts the lines it could not read', async () => {
    const path = join(dir, 'app.log')
    await writeFile(path, text(lines(1, 3)))
    const { tail, buffer, metrics } = await setup()
    await tail.pollOnce()
    await appendFile(path, text(lines(4, 6)))
    await copyFile(path, join(dir, 'app.log.1'))
    await truncate(path, 0)
    await appendFile(path, text(lines(7, 8, 'new')))
    await tail.pollOnce()
    expect(buffer.bodies()).toEqual([...lines(1, 3), ...lines(7, 8, 'new')])
    expect((await metrics.fileTail.copytruncate.get()).values[0]!.value).toBe(1)
    expect((await metrics.fileTail.possibleLossLines.get()).values[0]!.value).toBe(3)
    expect((await metrics.fileTail.possibleLossBytes.get()).values[0]!.value).toBe(Buffer.byteLength(text(lines(4, 6))))
    await tail.stop()
  })

  it('pauses on a full buffer and keeps everything', async () => {
    const path = join(dir, 'app.log')
    await writeFile(path, text(lines(1, 12)))
    const { tail, buffer, metrics } = await setup()
    buffer.refuseNext(3)
    await tail.pollOnce()
    expect(tail.paused).toBe(true)
    await tail.pollOnce()
    await tail.pollOnce()
    expect(buffer.bodies()).toEqual([])
    await tail.pollOnce()
    await tail.pollOnce()
    expect(tail.paused).toBe(false)
    expect(buffer.bodies()).toEqual(lines(1, 12))
    expect((await metrics.fileTail.backpressure.get()).values[0]!.value).toBe(3)
    await tail.stop()
  })

  it('joins a stack trace and holds the position at the start of a pending record', async () => {
    const path = join(dir, 'app.log')
    const trace = ['2024-01-01 00:00:01 ERROR boom', '    at a (a.js:1:1)', '    at b (b.js:2:2)']
    const last = '2024-01-01 00:00:02 INFO last'
    await writeFile(path, text(['2024-01-01 00:00:00 INFO start', ...trace, last]))
    const { tail, buffer } = await setup({ batch: { maxRecords: 100, maxBytes: 1 << 20, maxDelayMs: 0 }, multiline: { ...OPTIONS.multiline, mode: 'auto' } })
    await tail.pollOnce()
    expect(buffer.bodies()).toEqual(['2024-01-01 00:00:00 INFO start', trace.join('\n')])
    const pendingStart = Buffer.byteLength(text(['2024-01-01 00:00:00 INFO start', ...trace]))
    expect(buffer.entries.at(-1)!.positions[0]!.offset).toBe(pendingStart)
    nowMs += 600
    await tail.pollOnce()
    expect(buffer.bodies().at(-1)).toBe(last)
    await tail.stop()
  })

  it('resumes after a restart from the newest buffered position, else the acknowledged checkpoint', async () => {
    const path = join(dir, 'app.log')
    await writeFile(path, text(lines(1, 10)))
    const first = await setup()
    await first.tail.pollOnce()
    // the collector acknowledged only the first entry
    expect(first.buffer.entries.length).toBe(2)
    const ackedLines = first.buffer.entries[0]!.bodies.length
    await first.tail.acknowledge(first.buffer.entries[0]!.positions)
    const acked = (await openCheckpointStore(join(dir, 'checkpoints.json'))).all()
    expect(acked[0]!.offset).toBe(Buffer.byteLength(text(lines(1, ackedLines))))
    await first.tail.stop()
    await appendFile(path, text(lines(11, 12)))

    // restart with the second entry still in the buffer: reading resumes after line 10
    const checkpoints = await openCheckpointStore(join(dir, 'checkpoints.json'))
    const resume = resumePositions(checkpoints.all(), first.buffer.entries[1]!.positions)
    const second = await setup({ startAt: 'end' }, resume)
    await second.tail.pollOnce()
    expect(second.buffer.bodies()).toEqual(lines(11, 12))
    await second.tail.stop()

    // restart with nothing buffered: reading resumes after the last acknowledged line
    const third = await setup({ startAt: 'end' }, resumePositions(acked, []))
    await third.tail.pollOnce()
    expect(third.buffer.bodies()).toEqual(lines(ackedLines + 1, 12))
    await third.tail.stop()
  })

  it('reads CRI pod logs with pod metadata from the path', async () => {
    const podDir = join(dir, 'pods', 'shop_cart-1_1234-abcd', 'cart')
    const { mkdir } = await import('node:fs/promises')
    await mkdir(podDir, { recursive: true })
    await writeFile(join(podDir, '0.log'), text(['2024-01-02T03:04:05Z stdout P {"msg":"he', '2024-01-02T03:04:05Z stdout F llo"}']))
    const { tail, buffer } = await setup({ include: [join(dir, 'pods/*/*/*.log')] })
    await tail.pollOnce()
    expect(buffer.bodies()).toEqual(['hello'])
    await tail.stop()
  })
})
