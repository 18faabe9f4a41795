/**
 * `npm run bench:collector`: the collector's cost per span, measured as the CPU time of the
 * collector process (a child, so the load generator's own CPU is not counted).
 *
 * Scenarios (each bounded well under 2 minutes):
 * - throughput: closed-loop load at 100 spans per request, protobuf / OTLP-JSON / protobuf+gzip;
 *   spans accepted per CPU-second of the collector = spans/s per core. Goal for protobuf ≥ 40 000
 *   (the OpenTelemetry Collector's range).
 * - steady: open-loop 10 000 spans/s (100 requests/s × 100 spans), protobuf; the collector's CPU
 *   as a share of one core. Goal ≤ 0.25.
 * Both run against the `null` bus (accepts at once: the collector's own cost) and the embedded
 * durable `local` bus (fsync with group commit: what `npm start` runs).
 * Reported: medians of RUNS runs, and the JSON/protobuf ratio from the same run.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { Agent, request } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { median, processCpuMs, processRssBytes, report, type BenchRow } from '../lib/measure.ts'
import { bodies, type Body, type BodyKind } from './payloads.ts'

const SPANS_PER_REQUEST = 100
const RUNS = 3
const WARMUP_MS = 2_000
const THROUGHPUT_MS = 8_000
const STEADY_MS = 10_000
const CONCURRENCY = 8
const DISTINCT_BODIES = 64

interface Server {
  child: ChildProcess
  port: number
  key: string
  stop(): Promise<void>
}

async function startServer(bus: 'null' | 'local'): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'periscope-bench-collector-'))
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'server.ts'), bus, dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! })
    rl.once('line', resolve)
    child.once('exit', (code) => reject(new Error(`bench collector exited with ${code} before listening`)))
  })
  const { port, key } = JSON.parse(line) as { port: number; key: string }
  return {
    child,
    port,
    key,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

function send(agent: Agent, server: Server, body: Body): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      'content-type': body.contentType,
      'content-length': body.bytes.length,
      authorization: `Bearer ${server.key}`,
    }
    if (body.contentEncoding) headers['content-encoding'] = body.contentEncoding
    const req = request({ host: '127.0.0.1', port: server.port, path: '/v1/traces', method: 'POST', agent, headers }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end(body.bytes)
  })
}

/** Closed loop: CONCURRENCY senders back to back until the deadline; returns spans accepted. */
async function closedLoop(server: Server, agent: Agent, payloads: Body[], durationMs: number): Promise<number> {
  const deadline = performance.now() + durationMs
  let accepted = 0
  let next = 0
  let failures = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const status = await send(agent, server, payloads[next++ % payloads.length]!)
        if (status === 200) accepted += SPANS_PER_REQUEST
        else if (++failures > 100) throw new Error(`the collector answered ${status}`)
      }
    }),
  )
  return accepted
}

/** Open loop: one request every 1000/rps ms for the duration, whatever the answers take. */
async function openLoop(server: Server, agent: Agent, payloads: Body[], requestsPerSecond: number, durationMs: number): Promise<number> {
  const intervalMs = 1000 / requestsPerSecond
  const total = Math.floor((durationMs / 1000) * requestsPerSecond)
  const t0 = performance.now()
  const pending: Promise<number>[] = []
  for (let n = 0; n < total; n++) {
    const waitMs = t0 + n * intervalMs - performance.now()
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs))
    pending.push(send(agent, server, payloads[n % payloads.length]!))
  }
  const statuses = await Promise.all(pending)
  return statuses.filter((s) => s === 200).length * SPANS_PER_REQUEST
}

async function throughput(bus: 'null' | 'local', kind: BodyKind): Promise<{ perCore: number; wallPerSecond: number; rssBytes: number }> {
  const payloads = bodies(kind, DISTINCT_BODIES, SPANS_PER_REQUEST, Date.now())
  const perCore: number[] = []
  const wall: number[] = []
  let rssBytes = 0
  for (let run = 0; run < RUNS; run++) {
    const server = await startServer(bus)
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })
    try {
      await closedLoop(server, agent, payloads, WARMUP_MS)
      const cpu0 = processCpuMs(server.child.pid!)
      const t0 = performance.now()
      const spans = await closedLoop(server, agent, payloads, THROUGHPUT_MS)
      const wallMs = performance.now() - t0
      const cpuMs = processCpuMs(server.child.pid!) - cpu0
      perCore.push(spans / (cpuMs / 1000))
      wall.push(spans / (wallMs / 1000))
      rssBytes = Math.max(rssBytes, processRssBytes(server.child.pid!))
    } finally {
      agent.destroy()
      await server.stop()
    }
  }
  return { perCore: median(perCore), wallPerSecond: median(wall), rssBytes }
}

async function steady(bus: 'null' | 'local'): Promise<number> {
  const payloads = bodies('protobuf', DISTINCT_BODIES, SPANS_PER_REQUEST, Date.now())
  const shares: number[] = []
  for (let run = 0; run < RUNS; run++) {
    const server = await startServer(bus)
    const agent = new Agent({ keepAlive: true, maxSockets: 16 })
    try {
      await openLoop(server, agent, payloads, 100, WARMUP_MS)
      const cpu0 = processCpuMs(server.child.pid!)
      const t0 = performance.now()
      const spans = await openLoop(server, agent, payloads, 100, STEADY_MS)
      const wallMs = performance.now() - t0
      const cpuMs = processCpuMs(server.child.pid!) - cpu0
      if (spans < (STEADY_MS / 1000) * 10_000 * 0.99) throw new Error(`only ${spans} spans accepted at 10k spans/s`)
      shares.push(cpuMs / wallMs)
    } finally {
      agent.destroy()
      await server.stop()
    }
  }
  return median(shares)
}

// `npm run bench:collector -- null` runs the null-bus scenarios only
const only = process.argv[2]
const buses: ('null' | 'local')[] = only === 'null' || only === 'local' ? [only] : ['null', 'local']

const rows: BenchRow[] = []
for (const bus of buses) {
  const results = new Map<BodyKind, Awaited<ReturnType<typeof throughput>>>()
  for (const kind of ['protobuf', 'json', 'protobuf+gzip'] as const) {
    const r = await throughput(bus, kind)
    results.set(kind, r)
    const scenario = `${kind}, ${SPANS_PER_REQUEST} spans/request, ${bus} bus`
    rows.push({ scenario, metric: 'spans/s per core', value: r.perCore, unit: 'spans/s', ...(kind === 'protobuf' ? { goal: '>= 40000' } : {}) })
    rows.push({ scenario, metric: 'spans/s (wall, 2 cores shared with the load)', value: r.wallPerSecond, unit: 'spans/s' })
    rows.push({ scenario, metric: 'collector RSS', value: r.rssBytes / (1 << 20), unit: 'MiB' })
  }
  rows.push({
    scenario: `${bus} bus`,
    metric: 'JSON / protobuf spans per core',
    value: results.get('json')!.perCore / results.get('protobuf')!.perCore,
    unit: 'ratio',
  })
  rows.push({ scenario: `10k spans/s protobuf, ${bus} bus`, metric: 'collector CPU', value: await steady(bus), unit: 'cores', goal: '<= 0.25' })
}
report('collector', rows)
