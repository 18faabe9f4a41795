/**
 * The harness's only door into a chdb data directory, run as a short-lived child process
 * (`node --import tsx store-tool.ts '<json StoreToolRequest>'`, answer on stdout as
 * `RESULT <json>`): chdb binds one data directory per process, and the services under test own
 * theirs while they run, so the test process itself never opens a store.
 *
 *   prepare  migrate, create the tenants and their ingest keys (plaintext chosen by the test)
 *   count    per producer of one run: rows, distinct sequence numbers, and lost/duplicated
 *            computed in SQL (lost = expected − uniqExact(seq), duplicated = count() − uniqExact(seq))
 */
import { migrate, openStore } from '@periscope/store'
import { createApiKey, ensureTenant } from '@periscope/collector/app'
import { ATTR } from './span-batches.ts'

export type StoreToolRequest =
  | { op: 'prepare'; path: string; tenants: Array<{ tenantId: string; key: string }> }
  | { op: 'count'; path: string; runId: string; expected: Record<string, number>; table?: 'spans' | 'logs' }

export interface ProducerCounts {
  producer: string
  expected: number
  rows: number
  distinct: number
  lost: number
  duplicated: number
  /** sequence numbers outside 0..expected-1 (a bug in the harness or the pipeline) */
  stray: number
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2]!) as StoreToolRequest
  const store = await openStore({ mode: 'embedded', path: request.path })
  try {
    if (request.op === 'prepare') {
      await migrate(store)
      for (const { tenantId, key } of request.tenants) {
        await ensureTenant(store, tenantId)
        await createApiKey(store, tenantId, { plaintext: key, name: 'faults' })
      }
      process.stdout.write(`RESULT ${JSON.stringify({ ok: true })}\n`)
      return
    }
    const out: ProducerCounts[] = []
    const [table, attrs] = request.table === 'logs' ? ['otel_logs', 'LogAttributes'] : ['otel_traces', 'SpanAttributes']
    for (const [producer, expected] of Object.entries(request.expected)) {
      const result = await store.client.query({
        query: `SELECT count() AS rows,
                       uniqExactIf(seq, seq < {expected:Int64}) AS distinct,
                       {expected:Int64} - distinct AS lost,
                       rows - uniqExact(seq) AS duplicated,
                       countIf(seq < 0 OR seq >= {expected:Int64}) AS stray
                FROM (SELECT toInt64OrDefault(${attrs}['${ATTR.seq}'], toInt64(-1)) AS seq FROM ${table}
                      WHERE ${attrs}['${ATTR.runId}'] = {runId:String} AND ${attrs}['${ATTR.producer}'] = {producer:String})`,
        query_params: { runId: request.runId, producer, expected },
        format: 'JSONEachRow',
      })
      const [row] = await result.json<Record<string, string | number>>()
      out.push({
        producer,
        expected,
        rows: Number(row!.rows),
        distinct: Number(row!.distinct),
        lost: Number(row!.lost),
        duplicated: Number(row!.duplicated),
        stray: Number(row!.stray),
      })
    }
    process.stdout.write(`RESULT ${JSON.stringify(out)}\n`)
  } finally {
    await store.close()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`store tool failed: ${(error as Error)?.stack ?? String(error)}\n`)
  process.exit(1)
})
