/**
 * The bus contract suite: the same tests against every Bus implementation. A test file calls
 * `registerBusContract(target)` (local-log-bus.int.test.ts, kafka-bus.int.test.ts).
 * Every test works on topics of its own, so the tests of one file may share a broker or directory.
 * Tests wait with bounded polls on real engines; a wait that runs out fails with what it saw.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { BatchTooShort, HEADERS, type Batch, type Bus, type BusRecord, type Consumer } from './bus.ts'
import type { BusConfig } from './bus-config.ts'
import { sendToDeadLetters } from './bus-dead-letter.ts'
import { openBus } from './open-bus.ts'

export interface BusContractTarget {
  name: string
  /** a bus configuration; the suite closes every bus it opens before the next test */
  config: () => BusConfig
  /** partitions per topic the configuration creates (>= 2) */
  partitions: number
}

const quietLogger = pino({ level: 'silent' })

export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000, describeState?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describeState ? `: ${describeState()}` : ''}`)
    await sleep(25)
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export function uniqueTopic(name: string): string {
  return `contract-${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
}

const rec = (key: string | null, value: string, headers: Record<string, string> = {}): BusRecord => ({
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(value),
  headers,
})

interface Seen {
  partition: number
  offset: string
  key: string | null
  value: string
  headers: Record<string, string>
}

const seenOf = (batch: Batch): Seen[] =>
  batch.records.map((r) => ({ partition: batch.partition, offset: r.offset, key: r.key?.toString() ?? null, value: r.value.toString(), headers: r.headers }))

export function registerBusContract(target: BusContractTarget): void {
  describe(`Bus contract: ${target.name}`, () => {
    const opened: Bus[] = []
    const consumers: Consumer[] = []

    async function open(): Promise<Bus> {
      const bus = await openBus(target.config(), { logger: quietLogger })
      opened.push(bus)
      return bus
    }

    async function sendOk(bus: Bus, topic: string, records: BusRecord[]): Promise<void> {
      const outcome = await bus.send(topic, records)
      if (outcome.status !== 'success') throw new Error(`send to ${topic} was ${outcome.status}`, { cause: outcome.error })
    }

    async function consume(bus: Bus, groupId: string, topic: string, eachBatch: (batch: Batch) => Promise<void>): Promise<Consumer> {
      const consumer = await bus.consume({ groupId, topics: [topic], eachBatch })
      consumers.push(consumer)
      return consumer
    }

    afterEach(async () => {
      for (const c of consumers.splice(0)) await c.stop()
      for (const b of opened.splice(0)) await b.close()
    })

    it('keeps the order of records with the same key, and a key on one partition', async () => {
      const bus = await open()
      const topic = uniqueTopic('order')
      await bus.ensureTopics([topic])
      const keys = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot']
      const perKey = 40
      // interleaved sends: every send carries the next 5 records of every key
      for (let s = 0; s < perKey / 5; s++) {
        const records: BusRecord[] = []
        for (let i = s * 5; i < s * 5 + 5; i++) for (const key of keys) records.push(rec(key, String(i)))
        await sendOk(bus, topic, records)
      }
      const seen: Seen[] = []
      await consume(bus, 'order', topic, async (batch) => {
        seen.push(...seenOf(batch))
      })
      await waitFor('every record', () => seen.length >= keys.length * perKey, 30_000, () => `${seen.length} seen`)
      for (const key of keys) {
        const mine = seen.filter((s) => s.key === key)
        expect(mine.map((s) => Number(s.value))).toEqual(Array.from({ length: perKey }, (_, i) => i))
        expect(new Set(mine.map((s) => s.partition)).size).toBe(1)
      }
    })

    it('answers retryable, in bounded time, for a topic that does not exist', async () => {
      const bus = await open()
      const config = target.config()
      const t0 = Date.now()
      const outcome = await bus.send(uniqueTopic('missing'), [rec('k', 'v')])
      expect(outcome.status).toBe('retryable')
      expect(Date.now() - t0).toBeLessThan((config.sendTimeoutMs ?? 10_000) + 2_000)
    })

    it('refuses, in bounded time, to consume a topic that does not exist', async () => {
      const bus = await open()
      const t0 = Date.now()
      await expect(bus.consume({ groupId: 'missing', topics: [uniqueTopic('missing')], eachBatch: async () => {} })).rejects.toThrow()
      expect(Date.now() - t0).toBeLessThan(20_000)
    })

    it('commits an offset only after the handler succeeded', async () => {
      const bus = await open()
      const topic = uniqueTopic('commit')
      await bus.ensureTopics([topic])
      await sendOk(bus, topic, Array.from({ length: 20 }, (_, i) => rec(`k${i}`, `old-${i}`)))

      // 1. the first batch of every partition fails once: it is delivered again from the same offset
      const deliveries: Seen[][] = []
      const succeeded: Seen[] = []
      const failedOnce = new Set<number>()
      const first = await consume(bus, 'commit', topic, async (batch) => {
        deliveries.push(seenOf(batch))
        if (!failedOnce.has(batch.partition)) {
          failedOnce.add(batch.partition)
          throw new Error('handler failure on purpose')
        }
        succeeded.push(...seenOf(batch))
      })
      const uniqueValues = () => new Set(succeeded.map((s) => s.value))
      await waitFor('20 distinct records handled', () => uniqueValues().size === 20, 30_000, () => `${uniqueValues().size} distinct`)
      for (const partition of failedOnce) {
        const batches = deliveries.filter((d) => d[0]!.partition === partition)
        expect(batches.length).toBeGreaterThanOrEqual(2)
        expect(batches[1]![0]!.offset).toBe(batches[0]![0]!.offset)
      }
      await waitFor('lag 0', async () => (await first.lag()).every((l) => l.lag === 0))
      await first.stop()

      // 2. a member whose handler always fails commits nothing
      const failingSeen: Seen[] = []
      const failing = await consume(bus, 'commit', topic, async (batch) => {
        failingSeen.push(...seenOf(batch))
        throw new Error('always failing')
      })
      await sendOk(bus, topic, Array.from({ length: 5 }, (_, i) => rec(`n${i}`, `new-${i}`)))
      await waitFor('the failing member to see the new records', () => new Set(failingSeen.map((s) => s.value)).size === 5)
      expect(failingSeen.every((s) => s.value.startsWith('new-'))).toBe(true)
      await failing.stop()

      // 3. the next member gets exactly the uncommitted new records again, none of the committed old ones
      const lastSeen: Seen[] = []
      await consume(bus, 'commit', topic, async (batch) => {
        lastSeen.push(...seenOf(batch))
      })
      await waitFor('the new records again', () => lastSeen.length >= 5)
      await sleep(500)
      expect(lastSeen.map((s) => s.value).sort()).toEqual(['new-0', 'new-1', 'new-2', 'new-3', 'new-4'])
    })

    it('delivers a batch again lengthened through the offset its handler asks for, committing nothing meanwhile', async () => {
      const bus = await open()
      const topic = uniqueTopic('lengthen')
      await bus.ensureTopics([topic])
      const value = (i: number) => `r${i}`
      // one key: one partition, offsets in send order
      await sendOk(bus, topic, Array.from({ length: 25 }, (_, i) => rec('one', value(i))))
      const deliveries: string[][] = []
      const committedValues: string[] = []
      /** asks, by record value, for the batch to run through that record */
      const wants = new Map<string, string>([
        [value(0), value(24)], // the bus holds the rest already (maxBatchRecords is 10)
        [value(25), value(40)], // records 33..40 are sent only after the request: carried on
      ])
      let base: bigint | undefined
      await consume(bus, 'lengthen', topic, async (batch) => {
        const values = batch.records.map((r) => r.value.toString())
        deliveries.push(values)
        // one partition, records in send order: record i is at offset base + i
        base ??= BigInt(batch.records[0]!.offset)
        const through = wants.get(values[0]!)
        if (through !== undefined && !values.includes(through)) throw new BatchTooShort(String(base + BigInt(through.slice(1))))
        committedValues.push(...values)
      })
      await waitFor('records 0..24 handled', () => committedValues.length >= 25, 30_000, () => JSON.stringify(deliveries))
      // the first delivery (≤ 10 records) was refused and came again from record 0 through record 24
      expect(deliveries[0]!.length).toBeLessThanOrEqual(10)
      expect(deliveries[1]).toEqual(Array.from({ length: 25 }, (_, i) => value(i)))
      await sendOk(bus, topic, Array.from({ length: 8 }, (_, i) => rec('one', value(25 + i))))
      await waitFor('a delivery of record 25', () => deliveries.some((d) => d[0] === value(25)))
      await sleep(300)
      await sendOk(bus, topic, Array.from({ length: 8 }, (_, i) => rec('one', value(33 + i))))
      await waitFor('records 25..40 handled', () => committedValues.length >= 41, 30_000, () => JSON.stringify(deliveries.slice(-3)))
      // handled in order, each once, the 25..40 batch whole; nothing after record 24 was handled before it
      expect(committedValues).toEqual(Array.from({ length: 41 }, (_, i) => value(i)))
      expect(deliveries.at(-1)).toEqual(Array.from({ length: 16 }, (_, i) => value(25 + i)))
    })

    it('pauses and resumes single partitions', async () => {
      const bus = await open()
      const topic = uniqueTopic('pause')
      await bus.ensureTopics([topic])
      const seen: Seen[] = []
      const consumer = await consume(bus, 'pause', topic, async (batch) => {
        seen.push(...seenOf(batch))
      })
      for (let p = 0; p < target.partitions; p++) consumer.pause(topic, p)
      await sendOk(bus, topic, Array.from({ length: 40 }, (_, i) => rec(`key-${i}`, String(i))))
      await sleep(1_500)
      expect(seen).toEqual([])

      const withData = (await consumer.lag()).filter((l) => l.lag > 0)
      expect(withData.length).toBeGreaterThanOrEqual(2)
      const chosen = withData[0]!
      consumer.resume(topic, chosen.partition)
      await waitFor('the resumed partition', () => seen.length >= chosen.lag, 30_000, () => `${seen.length} of ${chosen.lag}`)
      await sleep(500)
      expect(seen.length).toBe(chosen.lag)
      expect(new Set(seen.map((s) => s.partition))).toEqual(new Set([chosen.partition]))

      for (let p = 0; p < target.partitions; p++) consumer.resume(topic, p)
      await waitFor('all 40', () => seen.length >= 40, 30_000, () => `${seen.length} seen`)
      expect(new Set(seen.map((s) => s.value)).size).toBe(40)
    })

    it('publishes dead letters to <topic>.dlq with the error, tenant and origin in headers', async () => {
      const bus = await open()
      const topic = uniqueTopic('dlq')
      await bus.ensureTopics([topic])
      await sendOk(bus, topic, [
        rec('a', 'good-1', { [HEADERS.tenant]: 'acme' }),
        rec('b', 'poison', { [HEADERS.tenant]: 'acme', [HEADERS.signal]: 'traces' }),
        rec('c', 'good-2', { [HEADERS.tenant]: 'acme' }),
      ])
      const poisoned: Seen[] = []
      const good: string[] = []
      await consume(bus, 'dlq-main', topic, async (batch) => {
        for (const record of batch.records) {
          if (record.value.toString() !== 'poison') {
            good.push(record.value.toString())
            continue
          }
          poisoned.push(...seenOf({ ...batch, records: [record] }))
          const outcome = await sendToDeadLetters(bus, [{ topic, partition: batch.partition, record, error: new Error('cannot decode: poison') }])
          if (outcome.status !== 'success') throw outcome.error
        }
      })
      const letters: Seen[] = []
      await consume(bus, 'dlq-reader', `${topic}.dlq`, async (batch) => {
        letters.push(...seenOf(batch))
      })
      await waitFor('the dead letter', () => letters.length >= 1 && good.length >= 2)
      expect(letters).toHaveLength(1)
      const [letter] = letters
      const [origin] = poisoned
      expect(letter!.value).toBe('poison')
      expect(letter!.key).toBe('b')
      expect(letter!.headers).toMatchObject({
        [HEADERS.error]: 'cannot decode: poison',
        [HEADERS.tenant]: 'acme',
        [HEADERS.signal]: 'traces',
        [HEADERS.sourceTopic]: topic,
        [HEADERS.sourcePartition]: String(origin!.partition),
        [HEADERS.sourceOffset]: origin!.offset,
      })
    })

    it('shares partitions between two members of a group and survives a rebalance', async () => {
      const bus = await open()
      const topic = uniqueTopic('share')
      await bus.ensureTopics([topic])
      const byMember: Record<'a' | 'b', Seen[]> = { a: [], b: [] }
      const a = await consume(bus, 'share', topic, async (batch) => {
        byMember.a.push(...seenOf(batch))
      })
      const b = await consume(bus, 'share', topic, async (batch) => {
        byMember.b.push(...seenOf(batch))
      })
      let sent = 0
      const sendSome = async (n: number) => {
        await sendOk(bus, topic, Array.from({ length: n }, () => rec(`key-${sent}`, String(sent++))))
      }
      await waitFor(
        'both members to receive records',
        async () => {
          await sendSome(8)
          await sleep(100)
          return byMember.a.length > 0 && byMember.b.length > 0
        },
        45_000,
        () => `a=${byMember.a.length} b=${byMember.b.length}`,
      )
      // once settled, the members own disjoint partitions that cover the topic
      await waitFor('a settled assignment', async () => {
        const owned = [...(await a.lag()), ...(await b.lag())].map((l) => l.partition).sort((x, y) => x - y)
        return owned.length === target.partitions && new Set(owned).size === target.partitions
      })

      // a clean stop leaves the group at once: b takes over well before any session timeout
      await a.stop()
      await waitFor('b to own every partition', async () => (await b.lag()).length === target.partitions, 5_000)
      await sendSome(30)
      const distinct = () => new Set([...byMember.a, ...byMember.b].map((s) => s.value)).size
      await waitFor('every record after the rebalance', () => distinct() === sent, 45_000, () => `${distinct()} of ${sent}`)
    })

    it('delivers every record at least once across a consumer killed with SIGKILL mid-batch', async () => {
      const topic = uniqueTopic('sigkill')
      const groupId = 'sigkill'
      const total = 120
      {
        const bus = await open()
        await bus.ensureTopics([topic])
        await sendOk(bus, topic, Array.from({ length: total }, (_, i) => rec(`key-${i}`, String(i))))
        // the local log admits one process per directory: the child opens it next
        opened.splice(opened.indexOf(bus), 1)
        await bus.close()
      }

      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'bus-contract-child.ts'), JSON.stringify({ config: target.config(), topic, groupId, delayMs: 150 })],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      )
      let stderr = ''
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
      const started: Array<{ partition: number; offsets: string[] }> = []
      const done: Array<{ partition: number; offsets: string[] }> = []
      createInterface({ input: child.stdout }).on('line', (line) => {
        const event = JSON.parse(line) as { event: string; partition: number; offsets: string[] }
        if (event.event === 'start') started.push(event)
        if (event.event === 'done') done.push(event)
      })
      try {
        // kill once the child committed at least two batches and is inside another one
        await waitFor('the child to be mid-batch', () => done.length >= 2 && started.length > done.length, 60_000, () => `started=${started.length} done=${done.length} stderr=${stderr.slice(-2000)}`)
      } finally {
        child.kill('SIGKILL')
        await exited
      }
      const inFlight = started.filter((s) => !done.some((d) => d.partition === s.partition && d.offsets[0] === s.offsets[0]))
      expect(inFlight.length).toBeGreaterThan(0)

      const bus = await open()
      const seen: Seen[] = []
      await consume(bus, groupId, topic, async (batch) => {
        seen.push(...seenOf(batch))
      })
      const id = (partition: number, offset: string) => `${partition}/${offset}`
      const union = () => new Set([...done.flatMap((d) => d.offsets.map((o) => id(d.partition, o))), ...seen.map((s) => id(s.partition, s.offset))])
      await waitFor('every record after the restart', () => union().size === total, 60_000, () => `${union().size} of ${total}`)
      const values = new Set([...seen.map((s) => s.value)])
      expect(values.size).toBeGreaterThan(0)
      // the batch in flight at the kill was never committed: the restarted consumer gets it again
      const seenIds = new Set(seen.map((s) => id(s.partition, s.offset)))
      for (const batch of inFlight) for (const offset of batch.offsets) expect(seenIds.has(id(batch.partition, offset))).toBe(true)
    })
  })
}
