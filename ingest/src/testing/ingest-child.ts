/**
 * An ingest process for the crash tests: `node --import tsx ingest-child.ts '<json ChildArgs>'`.
 *
 * It opens the embedded store (migrating it if needed) and the bus, and runs ingest for the
 * traces signal. Every insert (data or range ledger) is bracketed by marker lines on stdout:
 *   MARK ledger-start <n> | MARK ledger-done <n> | MARK insert-start <n> <token> | MARK insert-done <n> <token>
 * where n counts that kind of marker in this process. With `stopAt`, the process freezes right after
 * printing the chosen marker (before the insert it announces, or after ClickHouse acknowledged it,
 * before the bus commits), so the parent's SIGKILL lands exactly there; `freeze: false` lets it
 * go on, so the kill lands somewhere inside the insert.
 * With `finish`, it runs until the group has no lag and `expectedSpans` are stored, stops cleanly,
 * and prints `RESULT <json>` with counts made by SQL independent of ingest.
 */
import { openBus, type BusConfig } from '@periscope/pipeline'
import { createLogger, createSelfMetrics } from '@periscope/runtime'
import { migrate, openStore, type Store } from '@periscope/store'
import { build } from '../app.ts'
import { LEDGER_TABLE } from '../offset-ledger.ts'
import { countSpans, sleep, waitFor } from './harness.ts'

export type Marker = 'ledger-start' | 'ledger-done' | 'insert-start' | 'insert-done'

export interface ChildArgs {
  storePath: string
  bus: BusConfig
  groupIdPrefix: string
  tenantId: string
  maxRows: number
  stopAt?: { marker: Marker; nth: number; freeze: boolean }
  finish?: { expectedSpans: number; timeoutMs: number }
}

export interface ChildResult {
  rows: number
  distinct: number
  minSeq: number
  maxSeq: number
  traceIndexSpans: number
  goldenRequests: number
  replayedRanges: number
  /** up to 20 duplicated seq values (for the failure message) */
  duplicatedSeqs: number[]
}

function markingStore(store: Store, stopAt: ChildArgs['stopAt']): Store {
  const counts = new Map<Marker, number>()
  const mark = async (marker: Marker, extra = ''): Promise<void> => {
    const n = (counts.get(marker) ?? 0) + 1
    counts.set(marker, n)
    process.stdout.write(`MARK ${marker} ${n}${extra ? ` ${extra}` : ''}\n`)
    if (stopAt && stopAt.marker === marker && stopAt.nth === n && stopAt.freeze) await new Promise<never>(() => {})
  }
  return {
    client: store.client,
    database: store.database,
    mode: store.mode,
    cluster: store.cluster,
    ttl: store.ttl,
    close: () => store.close(),
    async insert(table, rows, options) {
      const ledger = table === LEDGER_TABLE
      await mark(ledger ? 'ledger-start' : 'insert-start', ledger ? '' : options?.dedupToken)
      await store.insert(table, rows, options)
      await mark(ledger ? 'ledger-done' : 'insert-done', ledger ? '' : options?.dedupToken)
    },
  }
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]!) as ChildArgs
  const store = await openStore({ mode: 'embedded', path: args.storePath })
  await migrate(store)
  const bus = await openBus(args.bus)
  const metrics = createSelfMetrics({ service: 'ingest', defaultMetrics: false })
  const ingest = build({
    config: {
      signals: ['traces'],
      // one member: a killed life leaves one dead member for the next life's join to wait out
      membersPerGroup: 1,
      groupIdPrefix: args.groupIdPrefix,
      defaultTenantId: 'default',
      batch: { maxRows: args.maxRows, maxBytes: 16 << 20, minInsertIntervalMs: 0 },
      maxPendingBytes: 64 << 20,
      retry: { initialDelayMs: 50, maxDelayMs: 500 },
      maxIncompleteReplays: 20,
      stopGraceMs: 2000,
    },
    logger: createLogger({ service: 'ingest', level: 'warn', destination: process.stderr }),
    bus,
    store: markingStore(store, args.stopAt),
    metrics,
  })
  await ingest.start()
  process.stdout.write('READY\n')
  if (!args.finish) return
  const { expectedSpans, timeoutMs } = args.finish
  await waitFor(
    'the whole stream in ClickHouse',
    async () => {
      const lag = await ingest.lag()
      const caughtUp = lag.length > 0 && lag.every((l) => l.lag === 0)
      return caughtUp && (await countSpans(store, args.tenantId)).rows >= expectedSpans ? true : undefined
    },
    timeoutMs,
    200,
  )
  // anything still in flight would show up here
  await sleep(500)
  await ingest.stop()
  const spans = await countSpans(store, args.tenantId)
  const q = async (query: string): Promise<number> => {
    const result = await store.client.query({ query, query_params: { tenant: args.tenantId }, format: 'JSONEachRow' })
    return Number((await result.json<{ n: string }>())[0]!.n)
  }
  const result: ChildResult = {
    ...spans,
    traceIndexSpans: await q('SELECT sum(SpanCount) AS n FROM trace_index WHERE TenantId = {tenant:String}'),
    goldenRequests: await q('SELECT sum(Requests) AS n FROM golden_signals_1m WHERE TenantId = {tenant:String}'),
    duplicatedSeqs: (
      await (
        await store.client.query({
          query: `SELECT toInt64(SpanAttributes['seq']) AS seq FROM otel_traces WHERE TenantId = {tenant:String}
                  GROUP BY seq HAVING count() > 1 ORDER BY seq LIMIT 20`,
          query_params: { tenant: args.tenantId },
          format: 'JSONEachRow',
        })
      ).json<{ seq: string }>()
    ).map((r) => Number(r.seq)),
    replayedRanges: Number(/periscope_ingest_replayed_ranges_total\{[^}]*\} (\d+)/.exec(await metrics.text())?.[1] ?? 0),
  }
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`)
  await bus.close()
  await store.close()
}

main().catch((error: unknown) => {
  process.stderr.write(`ingest child failed: ${(error as Error)?.stack ?? String(error)}\n`)
  process.exit(1)
})
