/**
 * Ingest benchmark (`npm run bench:ingest [-- --local-only]`): spans per second from the bus into
 * ClickHouse (the embedded engine), end to end through ingest, as a ratio to a raw insert of the
 * same rows into the same engine, measured in the same run. Once over the local log, once over
 * Kafka (the deploy/kafka broker, leased like the test harness does; `--local-only` skips it).
 *
 * Records are what the collector writes: requests of TRACES_PER_REQUEST traces of
 * SPANS_PER_TRACE spans (one BatchSpanProcessor export), each request's traces grouped by the
 * bus's partition for their trace id, one record per (request, partition) keyed by its first trace.
 *
 * Each repeat of a scenario:
 *   raw    the rows of SPANS spans, built beforehand (decode and row mapping not timed), inserted
 *          with store.insert in inserts of 10k rows with dedup tokens — the best ingest could do;
 *   e2e    the records produced to the bus beforehand, then ingest (its defaults: 2 group members,
 *          10k-row inserts) started on the group that has consumed everything before: timed from
 *          its first write (the first batch's range plan; Kafka's group join is not counted) to the
 *          last row acknowledged by ClickHouse (decode, row mapping, range ledger, inserts, commits).
 * Ratios are of median rows/s over the repeats. CPU is this process's user+system time (the
 * engine runs in it) and, for Kafka, the broker's from /proc.
 *
 * Bounded: a scenario stops starting repeats once the next would not fit its SCENARIO_BUDGET_MS
 * (judged by the previous one), and every wait inside it ends at that deadline. The Kafka group
 * starts at the topic's end (the broker is shared: a group reading from the beginning first
 * caught up with every record tests had left there, which ate the whole budget). A failed Kafka
 * scenario is reported as such; the local rows are kept.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeTraces, encodeTraces, keyValuesOf, spanRows, SpanKind, type Span, type SpanRow, type TracesRequest } from '@periscope/model'
import { HEADERS, openBus, TOPICS, type Bus, type BusConfig, type BusRecord, type KeyPartitioner } from '@periscope/pipeline'
import { createLogger, createSelfMetrics } from '@periscope/runtime'
import { migrate, openStore, type Store } from '@periscope/store'
import { build } from '@periscope/ingest/app'
import { median, processCpuMs, report, type BenchRow } from '../lib/measure.ts'
import { startGroupsAtEnd } from '../e2e/kafka-group-at-end.ts'

const SPANS = 100_000
const SPANS_PER_TRACE = 10
/** 500 spans per request: one BatchSpanProcessor export (at most 512) */
const TRACES_PER_REQUEST = 50
const INSERT_ROWS = 10_000
/** records per consumed batch: far more than a 10k-row insert needs (records hold ~125 spans) */
const MAX_BATCH_RECORDS = 1000
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

/** The spans of one trace, shaped like an HTTP request through a service. */
function traceSpans(trace: number, baseNs: bigint): Span[] {
  const spans: Span[] = []
  for (let i = 0; i < SPANS_PER_TRACE; i++) {
    const start = baseNs + BigInt(trace) * 1_000_000n + BigInt(i) * 10_000n
    spans.push({
      traceId: id(trace, 16),
      spanId: id(trace * SPANS_PER_TRACE + i, 8),
      traceState: '',
      parentSpanId: i === 0 ? new Uint8Array(0) : id(trace * SPANS_PER_TRACE, 8),
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
        seq: trace * SPANS_PER_TRACE + i,
      }),
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: trace % 50 === 0 && i === 0 ? 2 : 0, message: '' },
    })
  }
  return spans
}

function requestOf(spans: Span[]): TracesRequest {
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

/** The records the collector writes for SPANS spans (see the header), on `partitioner`'s partitions. */
function recordsFor(tenantId: string, baseNs: bigint, partitioner: KeyPartitioner): BusRecord[] {
  const headers = { [HEADERS.tenant]: tenantId, [HEADERS.signal]: 'traces', [HEADERS.schemaVersion]: '1' }
  const traces = SPANS / SPANS_PER_TRACE
  const out: BusRecord[] = []
  for (let first = 0; first < traces; first += TRACES_PER_REQUEST) {
    const groups = new Map<number, { key: Buffer; spans: Span[] }>()
    for (let t = first; t < Math.min(traces, first + TRACES_PER_REQUEST); t++) {
      const key = Buffer.from(Buffer.from(id(t, 16)).toString('hex'))
      const partition = partitioner.partitionOf(key)
      let group = groups.get(partition)
      if (!group) groups.set(partition, (group = { key, spans: [] }))
      group.spans.push(...traceSpans(t, baseNs))
    }
    for (const { key, spans } of groups.values()) out.push({ key, value: Buffer.from(encodeTraces(requestOf(spans), 'protobuf')), headers })
  }
  return out
}

async function produce(bus: Bus, records: readonly BusRecord[], deadlineMs: number): Promise<void> {
  for (let i = 0; i < records.length; i += 100) {
    for (;;) {
      const outcome = await bus.send(TOPICS.traces, records.slice(i, i + 100))
      if (outcome.status === 'success') break
      if (outcome.status === 'failure') throw outcome.error
      if (Date.now() > deadlineMs) throw new Error(`producing did not finish within the budget: ${outcome.error.message}`)
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
async function endToEnd(bus: Bus, store: Store, group: string, tenantId: string, brokerPid: number | null, deadlineMs: number): Promise<Sample> {
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
  let wallMs: number
  let cpuMs: number
  try {
    while (landed < SPANS) {
      if (Date.now() > deadlineMs) throw new Error(`ingest wrote ${landed} of ${SPANS} rows within the budget`)
      await new Promise((r) => setTimeout(r, 2))
    }
    wallMs = performance.now() - opened!.t0
    const cpu = process.cpuUsage(opened!.cpu0)
    cpuMs = (cpu.user + cpu.system) / 1000 + (brokerPid ? processCpuMs(brokerPid) - opened!.broker0 : 0)
  } finally {
    await ingest.stop()
  }
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
  const started = Date.now()
  const deadlineMs = started + SCENARIO_BUDGET_MS
  const bus = await openBus(busConfig)
  const group = `bench-ingest-${name}-${process.pid}-${Date.now()}`
  const raw: Sample[] = []
  const e2e: Sample[] = []
  try {
    await bus.ensureTopics([TOPICS.traces])
    if (busConfig.kind === 'kafka') await startGroupsAtEnd(busConfig.brokers, [`${group}-traces`], [TOPICS.traces])
    const partitioner = await bus.partitioner?.(TOPICS.traces)
    if (!partitioner) throw new Error(`the ${name} bus does not know the partitions of ${TOPICS.traces}`)
    // warm-up (untimed): the group joins, reads a few records and commits, so each repeat starts at the end
    await produce(bus, recordsFor(`${group}-warmup`, BigInt(Date.now()) * 1_000_000n, partitioner).slice(0, 20), deadlineMs)
    await endToEndWarmup(bus, store, group, deadlineMs)
    let repeatMs = 0
    for (let r = 0; r < REPEATS && Date.now() + repeatMs * 1.2 < deadlineMs; r++) {
      const repeatStarted = Date.now()
      const baseNs = BigInt(Date.now() - 3_600_000) * 1_000_000n
      const tenantId = `${group}-${r}`
      const records = recordsFor(tenantId, baseNs, partitioner)
      const rows: SpanRow[] = []
      for (const record of records) {
        const decoded = decodeTraces(record.value, 'protobuf')
        if (!decoded.ok) throw decoded.error
        for (const row of spanRows(decoded.value, `${tenantId}-raw`).rows) rows.push(row)
      }
      raw.push(await rawInsert(store, rows, `${tenantId}-raw`))
      await produce(bus, records, deadlineMs)
      e2e.push(await endToEnd(bus, store, group, tenantId, brokerPid, deadlineMs))
      repeatMs = Date.now() - repeatStarted
      console.log(`${name} repeat ${r + 1}: raw ${Math.round(raw.at(-1)!.rowsPerSecond)} rows/s, end to end ${Math.round(e2e.at(-1)!.rowsPerSecond)} rows/s (${records.length} records, ${repeatMs} ms)`)
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
async function endToEndWarmup(bus: Bus, store: Store, group: string, deadlineMs: number): Promise<void> {
  const ingest = build({
    config: { signals: ['traces'], groupIdPrefix: group, batch: { maxRows: INSERT_ROWS, minInsertIntervalMs: 0 } },
    logger,
    bus,
    store,
    metrics: createSelfMetrics({ service: 'ingest', defaultMetrics: false }),
  })
  await ingest.start()
  try {
    for (;;) {
      const lag = await ingest.lag()
      if (lag.length > 0 && lag.every((l) => l.lag === 0)) break
      if (Date.now() > deadlineMs) throw new Error('warm-up did not drain the topic in time')
      await new Promise((r) => setTimeout(r, 100))
    }
  } finally {
    await ingest.stop()
  }
}

async function main(): Promise<void> {
  const localOnly = process.argv.includes('--local-only')
  const dir = mkdtempSync(join(tmpdir(), 'periscope-bench-ingest-'))
  const store = await openStore({ mode: 'embedded', path: join(dir, 'db') })
  await migrate(store)
  const rows: BenchRow[] = []
  try {
    rows.push(...(await scenario('local', { kind: 'local', dir: join(dir, 'bus'), partitions: 4, maxBatchRecords: MAX_BATCH_RECORDS, maxBatchBytes: 16 << 20 }, store, null)))
    if (!localOnly) {
      execFileSync('bash', [kafkaScript, 'acquire', String(process.pid)], { stdio: 'inherit' })
      try {
        const kafka: BusConfig = {
          kind: 'kafka',
          brokers: [`127.0.0.1:${KAFKA_PORT}`],
          clientId: 'bench-ingest',
          partitions: 4,
          maxBatchRecords: MAX_BATCH_RECORDS,
          maxBytesPerPartition: 16 << 20,
        }
        rows.push(...(await scenario('kafka', kafka, store, brokerPidOf())))
      } catch (error) {
        // the local rows are still reported; the Kafka goal shows as missed with the reason
        const reason = error instanceof Error ? error.message : String(error)
        console.error(`Kafka scenario failed: ${reason}`)
        rows.push({ scenario: `kafka bus → ClickHouse: FAILED (${reason})`, metric: 'ratio to raw insert', value: Number.NaN, unit: 'x', goal: '>= 0.3' })
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
