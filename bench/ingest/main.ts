/**
 * Ingest benchmark (`npm run bench:ingest`): spans per second from the bus into ClickHouse (the
 * embedded engine), end to end through ingest, as a ratio to a raw insert of the same rows into
 * the same engine, measured in the same run. Once over the local log, once over Kafka (the
 * deploy/kafka broker, leased like the test harness does; `--local-only` skips it).
 *
 * Each repeat of a scenario:
 *   raw    the rows of SPANS spans, built beforehand (decode and row mapping not timed), inserted
 *          with store.insert in inserts of 10k rows with dedup tokens — the best ingest could do;
 *   e2e    SPANS spans produced to the bus beforehand (10 spans per record, one trace each, as the
 *          collector writes them), then ingest (its defaults: 2 group members, 10k-row inserts)
 *          started on the group that has consumed everything before: timed from its first write
 *          (the first batch's range plan; Kafka's group join is not counted) to the last row
 *          acknowledged by ClickHouse (decode, row mapping, range ledger, inserts, commits).
 * Ratios are of median rows/s over REPEATS repeats. CPU is this process's user+system time (the
 * engine runs in it) and, for Kafka, the broker's from /proc. Every scenario is bounded by
 * SCENARIO_BUDGET_MS of wall time.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeTraces, encodeTraces, keyValuesOf, spanRows, SpanKind, type Span, type SpanRow, type TracesRequest } from '@periscope/model'
import { HEADERS, openBus, TOPICS, type Bus, type BusConfig, type BusRecord } from '@periscope/pipeline'
import { createLogger, createSelfMetrics } from '@periscope/runtime'
import { migrate, openStore, type Store } from '@periscope/store'
import { build } from '@periscope/ingest/app'
import { median, processCpuMs, report, type BenchRow } from '../lib/measure.ts'

const SPANS = 100_000
const SPANS_PER_RECORD = 10
const INSERT_ROWS = 10_000
const REPEATS = 3
const SCENARIO_BUDGET_MS = 120_000
/** ingest's default: two group members per signal, so decoding overlaps inserting */
const MEMBERS_PER_GROUP = 2
const KAFKA_PORT = 39092
const root = join(import.meta.dirname, '..', '..')
const kafkaScript = join(root, 'deploy', 'kafka', 'kafka.sh')
const logger = createLogger({ service: 'bench-ingest', level: 'warn' })

function id(n: number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes)
  new DataView(out.buffer).setUint32(bytes - 4, n >>> 0)
  out[0] = 1 + (n % 200)
  return out
}

/** One trace of SPANS_PER_RECORD spans shaped like an HTTP request through a service. */
function traceRequest(trace: number, baseNs: bigint): TracesRequest {
  const spans: Span[] = []
  for (let i = 0; i < SPANS_PER_RECORD; i++) {
    const start = baseNs + BigInt(trace) * 1_000_000n + BigInt(i) * 10_000n
    spans.push({
      traceId: id(trace, 16),
      spanId: id(trace * SPANS_PER_RECORD + i, 8),
      traceState: '',
      parentSpanId: i === 0 ? new Uint8Array(0) : id(trace * SPANS_PER_RECORD, 8),
      flags: 1,
      name: i === 0 ? 'GET /api/cart/{id}' : i % 2 ? 'SELECT carts' : 'redis GET',
      kind: i === 0 ? SpanKind.SERVER : SpanKind.CLIENT,
      startTimeUnixNano: start,
      endTimeUnixNano: start + 250_000n + BigInt(i * 1000),
      attributes: keyValuesOf({
        'http.request.method': 'GET',
        'http.route': '/api/cart/{id}',
        'http.response.status_code': 200,
        'url.path': `/api/cart/${trace % 1000}`,
        'server.address': 'cart.internal',
        'db.system': 'postgresql',
        'app.cache.hit': i % 3 === 0,
        seq: trace * SPANS_PER_RECORD + i,
      }),
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: trace % 50 === 0 && i === 0 ? 2 : 0, message: '' },
    })
  }
  return {
    resourceSpans: [
      {
        resource: {
          attributes: keyValuesOf({
            'service.name': 'cart',
            'service.version': '1.4.2',
            'deployment.environment': 'production',
            'host.name': 'node-7',
            'k8s.pod.name': 'cart-6d4f9c-abcde',
            'k8s.namespace.name': 'shop',
          }),
          droppedAttributesCount: 0,
          entityRefs: [],
        },
        scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.57.0', attributes: [], droppedAttributesCount: 0 }, spans, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  }
}

function recordsFor(tenantId: string, baseNs: bigint): BusRecord[] {
  const out: BusRecord[] = []
  for (let t = 0; t < SPANS / SPANS_PER_RECORD; t++) {
    out.push({
      key: Buffer.from(Buffer.from(id(t, 16)).toString('hex')),
      value: Buffer.from(encodeTraces(traceRequest(t, baseNs), 'protobuf')),
      headers: { [HEADERS.tenant]: tenantId, [HEADERS.signal]: 'traces', [HEADERS.schemaVersion]: '1' },
    })
  }
  return out
}

async function produce(bus: Bus, records: readonly BusRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += 500) {
    for (;;) {
      const outcome = await bus.send(TOPICS.traces, records.slice(i, i + 500))
      if (outcome.status === 'success') break
      if (outcome.status === 'failure') throw outcome.error
      await new Promise((r) => setTimeout(r, 50))
    }
  }
}

interface Sample {
  rowsPerSecond: number
  /** rows per CPU-second of this process (and the broker's, for Kafka) */
  rowsPerCpuSecond: number
}

async function countRows(store: Store, tenantId: string): Promise<number> {
  const result = await store.client.query({ query: 'SELECT count() AS n FROM otel_traces WHERE TenantId = {t:String}', query_params: { t: tenantId }, format: 'JSONEachRow' })
  return Number((await result.json<{ n: string }>())[0]!.n)
}

async function rawInsert(store: Store, rows: SpanRow[], tenantId: string): Promise<Sample> {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  for (let i = 0; i < rows.length; i += INSERT_ROWS) {
    await store.insert('otel_traces', rows.slice(i, i + INSERT_ROWS), { dedupToken: `bench-raw/${tenantId}/${i}` })
  }
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const cpuMs = (cpu.user + cpu.system) / 1000
  if ((await countRows(store, tenantId)) !== rows.length) throw new Error('raw insert: row count mismatch')
  return { rowsPerSecond: (rows.length * 1000) / wallMs, rowsPerCpuSecond: (rows.length * 1000) / cpuMs }
}

/** Starts ingest on `group`, times it draining what was produced for `tenantId`, stops it. */
async function endToEnd(bus: Bus, store: Store, group: string, tenantId: string, brokerPid: number | null): Promise<Sample> {
  let landed = 0
  // the window opens at ingest's first write (its first batch's range plan): joining a Kafka group
  // and the first fetch are not ingest's work
  let opened: { t0: number; cpu0: NodeJS.CpuUsage; broker0: number } | undefined
  const counting: Store = {
    ...store,
    client: store.client,
    async insert(table, rows, options) {
      opened ??= { t0: performance.now(), cpu0: process.cpuUsage(), broker0: brokerPid ? processCpuMs(brokerPid) : 0 }
      await store.insert(table, rows, options)
      if (table === 'otel_traces') landed += rows.length
    },
  }
  const ingest = build({
    config: {
      signals: ['traces'],
      membersPerGroup: MEMBERS_PER_GROUP,
      groupIdPrefix: group,
      batch: { maxRows: INSERT_ROWS, maxBytes: 16 << 20, minInsertIntervalMs: 1000 },
      maxPendingBytes: 256 << 20,
      retry: { initialDelayMs: 100, maxDelayMs: 2000 },
      stopGraceMs: 5000,
    },
    logger,
    bus,
    store: counting,
    metrics: createSelfMetrics({ service: 'ingest', defaultMetrics: false }),
  })
  await ingest.start()
  const deadline = Date.now() + SCENARIO_BUDGET_MS
  while (landed < SPANS) {
    if (Date.now() > deadline) throw new Error(`ingest wrote ${landed} of ${SPANS} rows within the budget`)
    await new Promise((r) => setTimeout(r, 2))
  }
  const wallMs = performance.now() - opened!.t0
  const cpu = process.cpuUsage(opened!.cpu0)
  const cpuMs = (cpu.user + cpu.system) / 1000 + (brokerPid ? processCpuMs(brokerPid) - opened!.broker0 : 0)
  await ingest.stop()
  const stored = await countRows(store, tenantId)
  if (stored !== SPANS) throw new Error(`end to end: ${stored} rows stored, expected ${SPANS}`)
  return { rowsPerSecond: (SPANS * 1000) / wallMs, rowsPerCpuSecond: (SPANS * 1000) / cpuMs }
}

function brokerPidOf(): number | null {
  try {
    return Number(readFileSync(join(kafkaScript, '..', 'run', 'kafka.pid'), 'utf8').trim()) || null
  } catch {
    return null
  }
}

async function scenario(name: string, busConfig: BusConfig, store: Store, brokerPid: number | null): Promise<BenchRow[]> {
  const bus = await openBus(busConfig)
  await bus.ensureTopics([TOPICS.traces])
  const group = `bench-ingest-${name}-${process.pid}-${Date.now()}`
  const raw: Sample[] = []
  const e2e: Sample[] = []
  const started = Date.now()
  try {
    // drain whatever the topic held before, so every repeat reads exactly its own records
    await produce(bus, recordsFor(`${group}-warmup`, BigInt(Date.now()) * 1_000_000n).slice(0, 100))
    await endToEndWarmup(bus, store, group)
    for (let r = 0; r < REPEATS && Date.now() - started < SCENARIO_BUDGET_MS; r++) {
      const baseNs = BigInt(Date.now() - 3_600_000) * 1_000_000n
      const tenantId = `${group}-${r}`
      const records = recordsFor(tenantId, baseNs)
      const rows: SpanRow[] = []
      for (const record of records) {
        const decoded = decodeTraces(record.value, 'protobuf')
        if (!decoded.ok) throw decoded.error
        rows.push(...spanRows(decoded.value, `${tenantId}-raw`).rows)
      }
      raw.push(await rawInsert(store, rows, `${tenantId}-raw`))
      await produce(bus, records)
      e2e.push(await endToEnd(bus, store, group, tenantId, brokerPid))
      console.log(`${name} repeat ${r + 1}: raw ${Math.round(raw.at(-1)!.rowsPerSecond)} rows/s, end to end ${Math.round(e2e.at(-1)!.rowsPerSecond)} rows/s`)
    }
  } finally {
    await bus.close()
  }
  const rawRate = median(raw.map((s) => s.rowsPerSecond))
  const e2eRate = median(e2e.map((s) => s.rowsPerSecond))
  const goal = name === 'local' ? '>= 0.6' : '>= 0.3'
  return [
    { scenario: `raw insert (${name} run)`, metric: 'rows/s', value: rawRate, unit: 'rows/s' },
    { scenario: `raw insert (${name} run)`, metric: 'rows/CPU-s', value: median(raw.map((s) => s.rowsPerCpuSecond)), unit: 'rows/s' },
    { scenario: `${name} bus → ClickHouse`, metric: 'rows/s', value: e2eRate, unit: 'rows/s' },
    { scenario: `${name} bus → ClickHouse`, metric: 'rows/CPU-s', value: median(e2e.map((s) => s.rowsPerCpuSecond)), unit: 'rows/s' },
    { scenario: `${name} bus → ClickHouse`, metric: 'ratio to raw insert', value: e2eRate / rawRate, unit: 'x', goal },
    // the same ratio in CPU terms, steadier than wall time on a shared machine (informative)
    {
      scenario: `${name} bus → ClickHouse`,
      metric: 'ratio to raw insert, per CPU-s',
      value: median(e2e.map((s) => s.rowsPerCpuSecond)) / median(raw.map((s) => s.rowsPerCpuSecond)),
      unit: 'x',
    },
  ]
}

/** Drains the topic into the store once (untimed) so the group starts each repeat at the end. */
async function endToEndWarmup(bus: Bus, store: Store, group: string): Promise<void> {
  const ingest = build({
    config: { signals: ['traces'], groupIdPrefix: group, batch: { maxRows: INSERT_ROWS, minInsertIntervalMs: 0 } },
    logger,
    bus,
    store,
    metrics: createSelfMetrics({ service: 'ingest', defaultMetrics: false }),
  })
  await ingest.start()
  const deadline = Date.now() + SCENARIO_BUDGET_MS
  for (;;) {
    const lag = await ingest.lag()
    if (lag.length > 0 && lag.every((l) => l.lag === 0)) break
    if (Date.now() > deadline) throw new Error('warm-up did not drain the topic in time')
    await new Promise((r) => setTimeout(r, 100))
  }
  await ingest.stop()
}

async function main(): Promise<void> {
  const localOnly = process.argv.includes('--local-only')
  const dir = mkdtempSync(join(tmpdir(), 'periscope-bench-ingest-'))
  const store = await openStore({ mode: 'embedded', path: join(dir, 'db') })
  await migrate(store)
  const rows: BenchRow[] = []
  try {
    rows.push(...(await scenario('local', { kind: 'local', dir: join(dir, 'bus'), partitions: 4, maxBatchRecords: INSERT_ROWS / SPANS_PER_RECORD, maxBatchBytes: 16 << 20 }, store, null)))
    if (!localOnly) {
      execFileSync('bash', [kafkaScript, 'acquire', String(process.pid)], { stdio: 'inherit' })
      try {
        const kafka: BusConfig = {
          kind: 'kafka',
          brokers: [`127.0.0.1:${KAFKA_PORT}`],
          clientId: 'bench-ingest',
          partitions: 4,
          maxBatchRecords: INSERT_ROWS / SPANS_PER_RECORD,
          maxBytesPerPartition: 16 << 20,
        }
        rows.push(...(await scenario('kafka', kafka, store, brokerPidOf())))
      } finally {
        execFileSync('bash', [kafkaScript, 'release', String(process.pid)], { stdio: 'inherit' })
      }
    }
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
  report('ingest', rows)
}

await main()
