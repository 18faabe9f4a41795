/**
 * The pipeline under benchmark, as ONE child process: collector (OTLP/HTTP) → bus → ingest →
 * embedded ClickHouse, built like the all-in-one (deploy/all-in-one/platform.ts) over one store
 * and one bus. chdb binds one data directory per process, so every count, the raw-insert
 * ceiling, the freshness poller and the storage figures run here, in the store's owner, on
 * request from the parent over IPC:
 *
 *   node --import tsx bench/e2e/pipeline.ts <dataDir> <busConfig JSON>
 *
 * Messages (parent → child, each answered by {id, ok, value|error}):
 *   {op:'landed', table}                   rows of the run's tenant ingest has had acknowledged by ClickHouse
 *   {op:'inserts'}                         {table: {inserts, rows}} of every insert ingest made so far
 *   {op:'settle', timeoutMs}               resolves (ms waited) once no merge has run for SETTLED_MS
 *   {op:'drained', timeoutMs}              resolves once every partition's lag is 0 (earlier records read)
 *   {op:'waitLanded', table, target, timeoutMs}  resolves with {atMs} once landed ≥ target
 *   {op:'count', table, tenantId}          SELECT count() (the zero-loss check)
 *   {op:'raw', spans, seed, startNs}       B_CH: the same generator's rows inserted straight in
 *   {op:'pollStart', intervalMs} / {op:'pollStop'}   freshness: first time each `fresh-*` span
 *                                          name is queryable (Date.now ms)
 *   {op:'storage'}                         OPTIMIZE FINAL, then system.parts per table
 *   {op:'profileStart'} / {op:'profileStop', path}   V8 CPU profile of this process's JS thread
 *                                          (node:inspector), written to `path` (.cpuprofile), and
 *                                          its sampled allocations beside it (.heapprofile)
 *   {op:'stop'}
 * The first message child → parent is {ready:true, port, key}. The ready message also names the run's tenant (every key's).
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { spanRows, type SpanRow } from '@periscope/model'
import { build as buildIngest, IngestSettingsSchema, type IngestSettings } from '@periscope/ingest/app'
import { Value } from 'typebox/value'
import { openBus, TOPICS, type BusConfig } from '@periscope/pipeline'
import { createLogger, createSelfMetrics } from '@periscope/runtime'
import { migrate, openStore, type Store } from '@periscope/store'
import { generateShopTraces } from '../../packages/store/src/testing/shop-traces.ts'
import { startGroupsAtEnd } from './kafka-group-at-end.ts'
import { buildBenchCollector } from '../lib/bench-collector.ts'

const INSERT_ROWS = 10_000 // B_CH inserts as ingest's default batch.maxRows
/** no merge for this long counts as settled (merges are picked up by a background scheduler) */
const SETTLED_MS = 500

const [dataDir, busJson] = process.argv.slice(2)
if (!dataDir || !busJson || !process.send) throw new Error('usage: forked with <dataDir> <busConfig JSON>')
const busConfig = JSON.parse(busJson) as BusConfig
const logger = createLogger({ service: 'bench-e2e', level: 'warn' })
// unique per run: a Kafka topic may still hold an earlier run's records, which this group also reads
const TENANT = `bench-${process.pid}-${Date.now()}`

const store = await openStore({ mode: 'embedded', path: `${dataDir}/db` })
await migrate(store)
const landed = new Map<string, number>()
/** inserts per table (ingest's range ledger included), for the insert-size line of the report */
const inserts = new Map<string, { inserts: number; rows: number }>()
const counting: Store = {
  ...store,
  client: store.client,
  async insert(table, rows, options) {
    await store.insert(table, rows, options)
    const seen = inserts.get(table) ?? { inserts: 0, rows: 0 }
    inserts.set(table, { inserts: seen.inserts + 1, rows: seen.rows + rows.length })
    let ours = 0
    for (const row of rows as Array<{ TenantId?: string }>) if (row.TenantId === TENANT) ours++
    landed.set(table, (landed.get(table) ?? 0) + ours)
  },
}
const bus = await openBus(busConfig)
await bus.ensureTopics(Object.values(TOPICS))
const { app: collector, key } = await buildBenchCollector({ bus, logger, tenantId: TENANT, service: 'collector' })
// ingest with its production defaults (the schema's, as deploy runs it): 10k-row inserts, ≥ 1 s
// apart per partition; only the groups are this run's own
const ingestSettings = Value.Default(IngestSettingsSchema, {
  signals: ['traces', 'logs'],
  groupIdPrefix: `bench-e2e-${process.pid}-${Date.now()}`,
}) as IngestSettings
// a shared broker's topics hold other runs' records: this run's groups start at their end
if (busConfig.kind === 'kafka') {
  await startGroupsAtEnd(
    busConfig.brokers,
    ingestSettings.signals.map((signal) => `${ingestSettings.groupIdPrefix}-${signal}`),
    ingestSettings.signals.map((signal) => TOPICS[signal]),
  )
}
const ingest = buildIngest({
  config: ingestSettings,
  logger,
  bus,
  store: counting,
  metrics: createSelfMetrics({ service: 'ingest', defaultMetrics: false }),
})
await ingest.start()
const address = await collector.listen({ host: '127.0.0.1', port: 0 })

const firstSeen = new Map<string, number>()
let profiler: Session | undefined
let poller: NodeJS.Timeout | undefined
let polling = false

async function count(table: string, tenantId: string): Promise<number> {
  if (table !== 'otel_traces' && table !== 'otel_logs') throw new Error(`no count of ${table}`)
  const result = await store.client.query({ query: `SELECT count() AS n FROM ${table} WHERE TenantId = {t:String}`, query_params: { t: tenantId }, format: 'JSONEachRow' })
  return Number((await result.json<{ n: string }>())[0]!.n)
}

async function raw(spans: number, seed: number, startNs: string): Promise<{ rows: number; wallMs: number; cpuMs: number }> {
  const tenantId = `bench-raw-${seed}-${Date.now()}`
  const shop = generateShopTraces({ spanCount: spans, seed, startNs: BigInt(startNs) })
  const rows: SpanRow[] = shop.requests.flatMap((request) => spanRows(request, tenantId).rows)
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  for (let i = 0; i < rows.length; i += INSERT_ROWS) {
    await store.insert('otel_traces', rows.slice(i, i + INSERT_ROWS), { dedupToken: `bench-raw/${tenantId}/${i}` })
  }
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const stored = await count('otel_traces', tenantId)
  if (stored !== rows.length) throw new Error(`raw insert: ${stored} rows stored of ${rows.length}`)
  return { rows: rows.length, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 }
}

/**
 * Waits until the engine has had no merge running for SETTLED_MS (bounded by timeoutMs), so a
 * measured window does not pay for the background merges of the inserts before it (B_CH's parts
 * merging during the end-to-end window, or the other way round). Resolves with the ms waited.
 */
async function settle(timeoutMs: number): Promise<number> {
  const started = Date.now()
  let quietSince = Date.now()
  while (Date.now() - started < timeoutMs) {
    const result = await store.client.query({ query: 'SELECT count() AS n FROM system.merges', format: 'JSONEachRow' })
    if (Number((await result.json<{ n: string }>())[0]!.n) > 0) quietSince = Date.now()
    else if (Date.now() - quietSince >= SETTLED_MS) break
    await new Promise((r) => setTimeout(r, 50))
  }
  return Date.now() - started
}

async function pollOnce(): Promise<void> {
  const result = await store.client.query({
    query: "SELECT DISTINCT SpanName AS name FROM otel_traces WHERE TenantId = {t:String} AND startsWith(SpanName, 'fresh-')",
    query_params: { t: TENANT },
    format: 'JSONEachRow',
  })
  const at = Date.now()
  for (const { name } of await result.json<{ name: string }>()) if (!firstSeen.has(name)) firstSeen.set(name, at)
}

async function storage(): Promise<Record<string, { rows: number; bytesOnDisk: number; compressed: number; uncompressed: number }>> {
  const out: Record<string, { rows: number; bytesOnDisk: number; compressed: number; uncompressed: number }> = {}
  for (const table of ['otel_traces', 'otel_logs']) {
    await store.client.command({ query: `OPTIMIZE TABLE ${table} FINAL` })
    const result = await store.client.query({
      query:
        'SELECT sum(rows) AS rows, sum(bytes_on_disk) AS bytesOnDisk, sum(data_compressed_bytes) AS compressed, sum(data_uncompressed_bytes) AS uncompressed FROM system.parts WHERE database = currentDatabase() AND table = {table:String} AND active',
      query_params: { table },
      format: 'JSONEachRow',
    })
    const r = (await result.json<Record<string, string>>())[0]!
    out[table] = { rows: Number(r.rows), bytesOnDisk: Number(r.bytesOnDisk), compressed: Number(r.compressed), uncompressed: Number(r.uncompressed) }
  }
  return out
}

type Message = { id: number; op: string; [k: string]: unknown }

async function handle(m: Message): Promise<unknown> {
  switch (m.op) {
    case 'landed':
      return landed.get(String(m.table)) ?? 0
    case 'inserts':
      return Object.fromEntries(inserts)
    case 'settle':
      return settle(Number(m.timeoutMs))
    case 'waitLanded': {
      const deadline = Date.now() + Number(m.timeoutMs)
      while ((landed.get(String(m.table)) ?? 0) < Number(m.target)) {
        if (Date.now() > deadline) throw new Error(`${landed.get(String(m.table)) ?? 0} of ${String(m.target)} rows landed in ${String(m.table)} within ${String(m.timeoutMs)} ms`)
        await new Promise((r) => setTimeout(r, 2))
      }
      return { atMs: Date.now() }
    }
    case 'drained': {
      const deadline = Date.now() + Number(m.timeoutMs)
      for (;;) {
        const lag = await ingest.lag()
        if (lag.length > 0 && lag.every((l) => l.lag === 0)) return null
        if (Date.now() > deadline) throw new Error('ingest did not drain the topics in time')
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    case 'count':
      return count(String(m.table), String(m.tenantId ?? TENANT))
    case 'raw':
      return raw(Number(m.spans), Number(m.seed), String(m.startNs))
    case 'pollStart': {
      firstSeen.clear()
      const tick = (): void => {
        if (polling) return
        polling = true
        pollOnce()
          .catch((error: unknown) => logger.warn({ err: error }, 'freshness poll failed'))
          .finally(() => (polling = false))
      }
      poller = setInterval(tick, Number(m.intervalMs))
      return null
    }
    case 'pollStop':
      clearInterval(poller)
      while (polling) await new Promise((r) => setTimeout(r, 5))
      await pollOnce()
      return Object.fromEntries(firstSeen)
    case 'storage':
      return storage()
    case 'profileStart':
      profiler = new Session()
      profiler.connect()
      await profiler.post('Profiler.enable')
      await profiler.post('Profiler.setSamplingInterval', { interval: 500 })
      await profiler.post('Profiler.start')
      // every allocation, also of objects the young-generation GC already freed: what feeds GC
      await profiler.post('HeapProfiler.startSampling', { samplingInterval: 64 * 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
      return null
    case 'profileStop': {
      if (!profiler) throw new Error('profileStop without profileStart')
      const { profile } = await profiler.post('Profiler.stop')
      const { profile: heap } = await profiler.post('HeapProfiler.stopSampling')
      profiler.disconnect()
      profiler = undefined
      writeFileSync(String(m.path), JSON.stringify(profile))
      writeFileSync(String(m.path).replace(/\.cpuprofile$/, '.heapprofile'), JSON.stringify(heap))
      return null
    }
    case 'stop':
      await collector.close()
      await ingest.stop()
      await bus.close()
      await store.close()
      setImmediate(() => process.exit(0))
      return null
    default:
      throw new Error(`unknown op ${m.op}`)
  }
}

process.on('message', (m: Message) => {
  handle(m).then(
    (value) => process.send!({ id: m.id, ok: true, value }),
    (error: unknown) => process.send!({ id: m.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  )
})
process.send({ ready: true, port: Number(new URL(address).port), key, tenantId: TENANT })
