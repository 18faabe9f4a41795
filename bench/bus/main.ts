/**
 * Bus benchmark (`npm run bench:bus`): produce and consume throughput of 1 KiB records on the
 * LocalLogBus and on the KafkaBus (the deploy/kafka broker, leased like the test harness does).
 *
 * Scenarios, each repeated REPEATS times (medians reported), each bounded by record count and by
 * SCENARIO_BUDGET_MS of wall time:
 *   produce, batched   sends of 100 records, 8 sends in flight
 *   produce, single    sends of 1 record, 64 in flight (what group commit is for)
 *   consume            one consumer group member draining the produced records
 * CPU is this process's user+system time (and the broker's, from /proc, for Kafka).
 * Flags: --local-only skips Kafka.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { openBus, type Bus, type BusConfig, type BusRecord } from '@periscope/pipeline'
import { measureCpu, median, processCpuMs, report, type BenchRow } from '../lib/measure.ts'

const RECORD_BYTES = 1024
const BATCHED_RECORDS = 100_000
const SINGLE_RECORDS = 20_000
const REPEATS = 3
const SCENARIO_BUDGET_MS = 30_000
const logger = pino({ level: 'warn' })
const kafkaScript = join(import.meta.dirname, '..', '..', 'deploy', 'kafka', 'kafka.sh')

const value = Buffer.alloc(RECORD_BYTES, 'x')
const record = (i: number): BusRecord => ({ key: Buffer.from(`trace-${i % 997}`), value, headers: { 'periscope-tenant': 'bench' } })

interface Run {
  records: number
  wallMs: number
  cpuMs: number
  brokerCpuMs: number
}

function brokerPid(): number | null {
  try {
    return Number(readFileSync(join(import.meta.dirname, '..', '..', 'deploy', 'kafka', 'run', 'kafka.pid'), 'utf8').trim())
  } catch {
    return null
  }
}

async function produce(bus: Bus, topic: string, total: number, perSend: number, inFlight: number): Promise<Run> {
  const pid = bus.kind === 'kafka' ? brokerPid() : null
  const broker0 = pid ? processCpuMs(pid) : 0
  let next = 0
  let done = 0
  const deadline = Date.now() + SCENARIO_BUDGET_MS
  const sample = await measureCpu(async () => {
    const worker = async () => {
      while (next < total && Date.now() < deadline) {
        const first = next
        next += perSend
        const records = Array.from({ length: perSend }, (_, i) => record(first + i))
        const outcome = await bus.send(topic, records)
        if (outcome.status !== 'success') throw new Error(`send ${outcome.status}`, { cause: outcome.error })
        done += perSend
      }
    }
    await Promise.all(Array.from({ length: inFlight }, worker))
  })
  return { records: done, wallMs: sample.wallMs, cpuMs: sample.cpuMs, brokerCpuMs: pid ? processCpuMs(pid) - broker0 : 0 }
}

async function consume(bus: Bus, topic: string, total: number): Promise<Run> {
  const pid = bus.kind === 'kafka' ? brokerPid() : null
  const broker0 = pid ? processCpuMs(pid) : 0
  let seen = 0
  const sample = await measureCpu(async () => {
    let finish: () => void = () => {}
    const finished = new Promise<void>((resolve) => (finish = resolve))
    const consumer = await bus.consume({
      groupId: `bench-${topic}`,
      topics: [topic],
      async eachBatch(batch) {
        seen += batch.records.length
        if (seen >= total) finish()
      },
    })
    const timer = setTimeout(finish, SCENARIO_BUDGET_MS)
    await finished
    clearTimeout(timer)
    await consumer.stop()
  })
  return { records: seen, wallMs: sample.wallMs, cpuMs: sample.cpuMs, brokerCpuMs: pid ? processCpuMs(pid) - broker0 : 0 }
}

function rows(scenario: string, runs: Run[], withBroker: boolean): BenchRow[] {
  const rate = median(runs.map((r) => (r.records / r.wallMs) * 1000))
  const out: BenchRow[] = [
    { scenario, metric: 'records/s', value: rate, unit: 'records/s' },
    { scenario, metric: 'throughput', value: (rate * RECORD_BYTES) / (1024 * 1024), unit: 'MiB/s' },
    { scenario, metric: 'client cpu per 1k records', value: median(runs.map((r) => (r.cpuMs / r.records) * 1000)), unit: 'ms' },
  ]
  if (withBroker) out.push({ scenario, metric: 'broker cpu per 1k records', value: median(runs.map((r) => (r.brokerCpuMs / r.records) * 1000)), unit: 'ms' })
  return out
}

async function benchBus(name: string, config: () => BusConfig): Promise<{ rows: BenchRow[]; rates: Record<string, number> }> {
  const batched: Run[] = []
  const single: Run[] = []
  const consumed: Run[] = []
  for (let r = 0; r < REPEATS; r++) {
    const bus = await openBus(config(), { logger })
    try {
      const topic = `bench-${name}-${Date.now().toString(36)}-${r}`
      await bus.ensureTopics([topic])
      batched.push(await produce(bus, topic, BATCHED_RECORDS, 100, 8))
      consumed.push(await consume(bus, topic, batched[batched.length - 1]!.records))
      single.push(await produce(bus, `${topic}`, SINGLE_RECORDS, 1, 64))
    } finally {
      await bus.close()
    }
    console.log(`${name}: repeat ${r + 1}/${REPEATS} done`)
  }
  const kafka = name === 'kafka'
  const all = [
    ...rows(`${name} produce (100/send, 8 in flight)`, batched, kafka),
    ...rows(`${name} produce (1/send, 64 in flight)`, single, kafka),
    ...rows(`${name} consume`, consumed, kafka),
  ]
  const rate = (runs: Run[]) => median(runs.map((x) => (x.records / x.wallMs) * 1000))
  return { rows: all, rates: { batched: rate(batched), single: rate(single), consume: rate(consumed) } }
}

const localRoot = mkdtempSync(join(tmpdir(), 'periscope-bench-bus-'))
let run = 0
const results: BenchRow[] = []
try {
  const local = await benchBus('local', () => ({ kind: 'local', dir: join(localRoot, String(run++)), partitions: 4 }))
  results.push(...local.rows)
  if (!process.argv.includes('--local-only')) {
    execFileSync('bash', [kafkaScript, 'acquire', String(process.pid)], { stdio: 'inherit' })
    try {
      const kafka = await benchBus('kafka', () => ({
        kind: 'kafka',
        brokers: ['127.0.0.1:39092'],
        clientId: 'periscope-bench',
        partitions: 4,
        replicationFactor: 1,
      }))
      results.push(...kafka.rows)
      for (const key of ['batched', 'single', 'consume'] as const) {
        results.push({ scenario: `local / kafka (${key})`, metric: 'throughput ratio', value: local.rates[key]! / kafka.rates[key]!, unit: 'x' })
      }
    } finally {
      execFileSync('bash', [kafkaScript, 'release', String(process.pid)], { stdio: 'inherit' })
    }
  }
} finally {
  rmSync(localRoot, { recursive: true, force: true })
}
report('bus', results)
