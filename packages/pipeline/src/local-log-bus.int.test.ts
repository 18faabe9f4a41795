import { spawn } from 'node:child_process'
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import type { Bus, BusRecord, ConsumedRecord } from './bus.ts'
import { registerBusContract, sleep, waitFor } from './bus.contract.ts'
import type { LocalBusConfig } from './bus-config.ts'
import { createBusCounters, type BusCounters } from './bus-deps.ts'
import { openBus } from './open-bus.ts'

const root = mkdtempSync(join(tmpdir(), 'periscope-local-log-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

registerBusContract({
  name: 'LocalLogBus',
  partitions: 4,
  config: () => ({ kind: 'local', dir: join(root, 'contract'), partitions: 4, maxBatchRecords: 10, sendTimeoutMs: 3_000, retryBackoffMs: 50 }),
})

let dirs = 0
const freshDir = (name: string) => join(root, `${name}-${dirs++}`)

function capture(): { logger: pino.Logger; lines: Array<{ level: number; msg: string } & Record<string, unknown>> } {
  const lines: Array<{ level: number; msg: string } & Record<string, unknown>> = []
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line) as never) })
  return { logger, lines }
}

async function openLocal(config: Omit<LocalBusConfig, 'kind'>, counters: BusCounters = createBusCounters(), logger = pino({ level: 'silent' })): Promise<Bus> {
  return openBus({ kind: 'local', ...config }, { logger, counters })
}

/** every record of the topic, read by a new group, in order per partition */
async function readAll(bus: Bus, topic: string, expected: number, timeoutMs = 20_000): Promise<Array<ConsumedRecord & { partition: number }>> {
  const seen: Array<ConsumedRecord & { partition: number }> = []
  const consumer = await bus.consume({
    groupId: `read-all-${Math.random()}`,
    topics: [topic],
    async eachBatch(batch) {
      for (const r of batch.records) seen.push({ ...r, partition: batch.partition })
    },
  })
  try {
    await waitFor(`${expected} records`, () => seen.length >= expected, timeoutMs, () => `${seen.length} seen`)
    await sleep(100)
  } finally {
    await consumer.stop()
  }
  return seen
}

const segmentsOf = (dir: string, topic: string, partition: number): string[] =>
  readdirSync(join(dir, 'topics', topic, String(partition)))
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => join(dir, 'topics', topic, String(partition), f))

const record = (i: number, size = 100): BusRecord => ({ key: null, value: Buffer.from(`r${i}-`.padEnd(size, '.')), headers: { i: String(i) } })

describe('LocalLogBus', () => {
  it('partitioner(topic) names the partition every keyed record lands on; null for a topic it does not have', async () => {
    const bus = await openLocal({ dir: freshDir('partitioner'), partitions: 4 })
    try {
      await bus.ensureTopics(['t'])
      expect(await bus.partitioner!('absent')).toBeNull()
      const partitioner = await bus.partitioner!('t')
      expect(partitioner?.partitions).toBe(4)
      const keys = Array.from({ length: 40 }, (_, i) => `${i.toString(16).padStart(8, '0')}-trace`)
      expect((await bus.send('t', keys.map((k) => ({ key: Buffer.from(k), value: Buffer.from(k), headers: {} })))).status).toBe('success')
      const landed = await readAll(bus, 't', keys.length)
      for (const r of landed) expect(r.partition, r.key!.toString()).toBe(partitioner!.partitionOf(r.key!))
      expect(new Set(landed.map((r) => r.partition)).size).toBeGreaterThan(1)
    } finally {
      await bus.close()
    }
  })

  it('group-commits concurrent sends: one fsync for many of them, each resolving only after it', async () => {
    const counters = createBusCounters()
    const bus = await openLocal({ dir: freshDir('group-commit'), partitions: 1, groupCommitMs: 5 }, counters)
    try {
      await bus.ensureTopics(['t'])
      const syncsBefore = counters.get('log_syncs')
      const outcomes = await Promise.all(Array.from({ length: 200 }, (_, i) => bus.send('t', [record(i)])))
      expect(outcomes.every((o) => o.status === 'success')).toBe(true)
      const syncs = counters.get('log_syncs') - syncsBefore
      expect(syncs).toBeGreaterThanOrEqual(1)
      expect(syncs).toBeLessThanOrEqual(3)
      expect(counters.get('records_sent')).toBe(200)
    } finally {
      await bus.close()
    }
  })

  it('keeps every acknowledged record across SIGKILL of the writing process, and cuts a torn tail on reopen', async () => {
    const dir = freshDir('sigkill')
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'local-log-producer-child.ts'), JSON.stringify({ dir, topic: 'crash' })], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
    const acked = new Set<number>()
    createInterface({ input: child.stdout }).on('line', (line) => acked.add(Number(line)))
    try {
      await waitFor('500 acknowledged records', () => acked.size >= 500, 60_000, () => `${acked.size} acked; ${stderr.slice(-2000)}`)
    } finally {
      child.kill('SIGKILL')
      await exited
    }
    // a power cut can leave half a frame: simulate one at the end of partition 1
    const [lastSegment] = segmentsOf(dir, 'crash', 1).slice(-1)
    appendFileSync(lastSegment!, Buffer.from([0, 0, 1, 0, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3]))

    const counters = createBusCounters()
    const { logger, lines } = capture()
    const bus = await openLocal({ dir, partitions: 3 }, counters, logger)
    try {
      expect(counters.get('corrupt_tails_truncated')).toBe(1)
      expect(counters.get('corrupt_bytes_truncated')).toBe(11)
      expect(lines.some((l) => l.level === 40 && /torn or corrupt tail/.test(l.msg))).toBe(true)
      const records = await readAll(bus, 'crash', acked.size)
      const present = new Set(records.map((r) => Number(r.headers.seq)))
      const missing = [...acked].filter((seq) => !present.has(seq))
      expect(missing).toEqual([])
      // offsets stay consecutive per partition after the cut, and appends continue after them
      const next = await bus.send('crash', [{ key: Buffer.from('key-1'), value: Buffer.from('after'), headers: {} }])
      expect(next.status).toBe('success')
    } finally {
      await bus.close()
    }
  })

  it('cuts a corrupt record in the newest segment back to the last good one; the rest stays readable', async () => {
    const dir = freshDir('corrupt-tail')
    let bus = await openLocal({ dir, partitions: 1 })
    await bus.ensureTopics(['t'])
    for (let i = 0; i < 10; i++) expect((await bus.send('t', [record(i)])).status).toBe('success')
    await bus.close()
    const [segment] = segmentsOf(dir, 't', 0)
    const bytes = readFileSync(segment!)
    const frameSize = (bytes.length - 16) / 10
    // flip one byte inside the payload of record 7
    bytes[16 + frameSize * 7 + 40]! ^= 0xff
    writeFileSync(segment!, bytes)

    const counters = createBusCounters()
    bus = await openLocal({ dir, partitions: 1 }, counters)
    try {
      expect(counters.get('corrupt_tails_truncated')).toBe(1)
      expect(counters.get('corrupt_bytes_truncated')).toBe(frameSize * 3)
      expect(statSync(segment!).size).toBe(16 + frameSize * 7)
      expect((await bus.send('t', [record(100)])).status).toBe('success')
      const records = await readAll(bus, 't', 8)
      expect(records.map((r) => [r.offset, r.headers.i])).toEqual([...Array.from({ length: 7 }, (_, i) => [String(i), String(i)]), ['7', '100']])
    } finally {
      await bus.close()
    }
  })

  it('recovers a newest segment larger than one scan chunk without cutting good records', async () => {
    const dir = freshDir('large-scan')
    // frames of F bytes, with 4 MiB mod F in 1..7: a 4 MiB scan chunk ends inside a frame header
    const chunk = 4 * 1024 * 1024
    let frame = 1000
    while (chunk % frame < 1 || chunk % frame > 7) frame++
    const valueBytes = frame - 34 // 8 length+crc, 8 offset, 8 timestamp, 4 key length, 2 header count, 4 value length
    const total = Math.ceil((chunk * 1.1) / frame)
    let bus = await openLocal({ dir, partitions: 1 })
    await bus.ensureTopics(['t'])
    for (let i = 0; i < total; i += 500) {
      const records = Array.from({ length: Math.min(500, total - i) }, () => ({ key: null, value: Buffer.alloc(valueBytes, 'v'), headers: {} }))
      expect((await bus.send('t', records)).status).toBe('success')
    }
    await bus.close()
    expect(statSync(segmentsOf(dir, 't', 0)[0]!).size).toBe(16 + total * frame)
    const counters = createBusCounters()
    bus = await openLocal({ dir, partitions: 1 }, counters)
    try {
      expect(counters.get('corrupt_tails_truncated')).toBe(0)
      expect((await bus.send('t', [record(0)])).status).toBe('success')
      const records = await readAll(bus, 't', total + 1)
      expect(records.length).toBe(total + 1)
      expect(records[total]!.offset).toBe(String(total))
    } finally {
      await bus.close()
    }
  })

  it('skips the rest of a sealed segment with a corrupt record and reads the segments after it', async () => {
    const dir = freshDir('corrupt-sealed')
    let bus = await openLocal({ dir, partitions: 1, segmentBytes: 4096 })
    await bus.ensureTopics(['t'])
    // ~1 KiB frames, sent one by one: a segment rolls every few records
    for (let i = 0; i < 20; i++) expect((await bus.send('t', [record(i, 1000)])).status).toBe('success')
    await bus.close()
    const segments = segmentsOf(dir, 't', 0)
    expect(segments.length).toBeGreaterThanOrEqual(4)
    const second = segments[1]!
    const secondBase = Number(second.slice(-24, -4))
    const thirdBase = Number(segments[2]!.slice(-24, -4))
    const bytes = readFileSync(second)
    bytes[bytes.length - 50]! ^= 0xff // inside the last record of the second segment
    writeFileSync(second, bytes)

    const counters = createBusCounters()
    bus = await openLocal({ dir, partitions: 1, segmentBytes: 4096 }, counters)
    try {
      const expectedCount = 20 - 1
      const records = await readAll(bus, 't', expectedCount)
      const offsets = records.map((r) => Number(r.offset))
      expect(offsets).toEqual(Array.from({ length: 20 }, (_, i) => i).filter((o) => o !== thirdBase - 1))
      expect(counters.get('corrupt_segments_skipped')).toBe(1)
      expect(counters.get('records_skipped_unconsumed')).toBe(1)
      expect(secondBase).toBeLessThan(thirdBase - 1)
    } finally {
      await bus.close()
    }
  })

  it('deletes the oldest segments by size and by age, never the newest', async () => {
    const dir = freshDir('retention')
    const counters = createBusCounters()
    const bus = await openLocal({ dir, partitions: 1, segmentBytes: 4096, retentionBytes: 3 * 4096, retentionCheckMs: 50 }, counters)
    try {
      await bus.ensureTopics(['t'])
      for (let i = 0; i < 40; i++) expect((await bus.send('t', [record(i, 1000)])).status).toBe('success')
      await waitFor('size retention', () => segmentsOf(dir, 't', 0).length <= 4)
    } finally {
      // closed before the files are read: a retention pass may still be deleting segments one by
      // one when the count first reaches 4, and the log start must not move under the reader
      await bus.close()
    }
    const remaining = segmentsOf(dir, 't', 0)
    const total = remaining.reduce((n, f) => n + statSync(f).size, 0)
    expect(total).toBeLessThanOrEqual(3 * 4096 + 4096 + 1100)
    expect(counters.get('segments_deleted')).toBeGreaterThan(0)
    // what is left is readable from the new log start, up to the last record
    const firstLeft = Number(remaining[0]!.slice(-24, -4))
    const reader = await openLocal({ dir, partitions: 1, segmentBytes: 4096 })
    try {
      const records = await readAll(reader, 't', 40 - firstLeft)
      expect(records.map((r) => Number(r.offset))).toEqual(Array.from({ length: 40 - firstLeft }, (_, i) => firstLeft + i))
    } finally {
      await reader.close()
    }

    const aged = await openLocal({ dir, partitions: 1, segmentBytes: 4096, retentionMs: 1, retentionCheckMs: 50 })
    try {
      await waitFor('age retention', () => segmentsOf(dir, 't', 0).length === 1)
    } finally {
      await aged.close()
    }
  })

  it('refuses an oversized record and a second opener of the same directory', async () => {
    const dir = freshDir('refusals')
    const bus = await openLocal({ dir, partitions: 1, maxRecordBytes: 1024 })
    try {
      await bus.ensureTopics(['t'])
      const outcome = await bus.send('t', [record(0, 5000)])
      expect(outcome.status).toBe('failure')
      await expect(openLocal({ dir, partitions: 1 })).rejects.toThrow(/in use by process/)
    } finally {
      await bus.close()
    }
  })
})
