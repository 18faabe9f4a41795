import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { createKafkaPartitioners, kafkaPartitionOf, murmur2 } from './kafka-bus-partitioner.ts'

// kafkajs's own implementation (Long arithmetic), the one its DefaultPartitioner uses
const kafkajsMurmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer) => number

describe('murmur2', () => {
  it("gives the Java client's hashes (Kafka's UtilsTest vectors)", () => {
    expect(murmur2(Buffer.from('21'))).toBe(-973932308)
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482)
    expect(murmur2(Buffer.from('a-little-bit-long-string'))).toBe(-985981536)
    expect(murmur2(Buffer.from('a-little-bit-longer-string'))).toBe(-1486304829)
    expect(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'))).toBe(-58897971)
    expect(murmur2(Buffer.from('abc'))).toBe(479470107)
  })

  it("equals kafkajs's for keys of every length 0-40 and trace-id keys", () => {
    let seed = 7
    const byte = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24
    for (let length = 0; length <= 40; length++) {
      for (let n = 0; n < 20; n++) {
        const key = Buffer.from(Array.from({ length }, byte))
        expect(murmur2(key)).toBe(kafkajsMurmur2(key))
      }
    }
    for (let n = 0; n < 200; n++) {
      const key = Buffer.from(Buffer.from(Array.from({ length: 16 }, byte)).toString('hex'))
      expect(murmur2(key)).toBe(kafkajsMurmur2(key))
      expect(kafkaPartitionOf(key, 6)).toBe((kafkajsMurmur2(key) & 0x7fffffff) % 6)
    }
  })
})

describe('createKafkaPartitioners', () => {
  it('reads a count once, serves it while fresh, re-reads it in the background when old, keeps it when a re-read fails', async () => {
    let now = 0
    let reads = 0
    let answer: number | Error = 4
    const partitioners = createKafkaPartitioners({
      maxAgeMs: 1000,
      nowMs: () => now,
      partitionCount: async () => {
        reads++
        if (answer instanceof Error) throw answer
        return answer
      },
    })
    const [a, b] = await Promise.all([partitioners.get('t'), partitioners.get('t')])
    expect(reads).toBe(1)
    expect(a!.partitions).toBe(4)
    expect(b).toBe(a)
    now = 999
    await partitioners.get('t')
    expect(reads).toBe(1)

    answer = 8
    now = 1000
    expect((await partitioners.get('t'))!.partitions).toBe(4) // stale answer at once, re-read started
    await Promise.resolve()
    await new Promise((r) => setImmediate(r))
    expect(reads).toBe(2)
    expect((await partitioners.get('t'))!.partitions).toBe(8)

    answer = new Error('broker down')
    now = 2500
    await partitioners.get('t')
    await new Promise((r) => setImmediate(r))
    expect(reads).toBe(3)
    expect((await partitioners.get('t'))!.partitions).toBe(8)
    expect(reads).toBe(3) // a failed re-read waits another maxAgeMs
  })

  it('answers null when the first read fails or the topic has no partitions', async () => {
    const failing = createKafkaPartitioners({ maxAgeMs: 1000, partitionCount: async () => Promise.reject(new Error('down')) })
    expect(await failing.get('t')).toBeNull()
    const absent = createKafkaPartitioners({ maxAgeMs: 1000, partitionCount: async () => 0 })
    expect(await absent.get('t')).toBeNull()
  })
})
