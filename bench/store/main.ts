/**
 * Store benchmark: the JSONEachRow serializer on ingest's hot path, against the obvious
 * alternative (JSON.stringify with a bigint replacer), and embedded inserts end to end.
 * Run: node --import tsx bench/store/main.ts   (about 1 minute)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spanRows, type SpanRow } from '@periscope/model'
import { compileBatchSerializer, migrate, openStore, type ColumnSpec } from '@periscope/store'
import { generateShopTraces } from '../../packages/store/src/testing/shop-traces.ts'
import { measureCpu, median, report, type BenchRow } from '../lib/measure.ts'

const BATCH = 10_000
const RUNS = 7

const dir = mkdtempSync(join(tmpdir(), 'periscope-bench-store-'))
const store = await openStore({ mode: 'embedded', path: join(dir, 'db') })
try {
  await migrate(store)
  const shop = generateShopTraces({ spanCount: BATCH * 4, seed: 7, startNs: (BigInt(Date.now()) - 3_600_000n) * 1_000_000n })
  const rows: SpanRow[] = shop.requests.flatMap((request) => spanRows(request, 'tenant-bench').rows)
  const batches = [0, 1, 2, 3].map((i) => rows.slice(i * BATCH, (i + 1) * BATCH))

  const columns = await (
    await store.client.query({
      query: "SELECT name, type, default_kind AS defaultKind FROM system.columns WHERE database = currentDatabase() AND table = 'otel_traces' ORDER BY position",
      format: 'JSONEachRow',
    })
  ).json<ColumnSpec>()
  const serialize = compileBatchSerializer(columns)
  const replacer = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)
  const stringifyBaseline = (batch: readonly object[]) => {
    let body = ''
    for (const row of batch) body += JSON.stringify(row, replacer) + '\n'
    return body
  }
  // both must produce bodies ClickHouse reads as the same rows; the baseline only differs in
  // time encoding (digits-only ns), which is why it cannot be used with basic date parsing
  let sink = 0
  const cpuPerRowUs = (work: (batch: readonly object[]) => string) => async () => {
    const samples: number[] = []
    for (let run = 0; run < RUNS; run++) {
      const batch = batches[run % batches.length]!
      const sample = await measureCpu(() => {
        sink += work(batch).length
      })
      samples.push((sample.cpuMs * 1000) / batch.length)
    }
    return median(samples)
  }
  // warm both up before measuring
  for (const batch of batches) sink += serialize(batch).length + stringifyBaseline(batch).length
  const compiledUs = await cpuPerRowUs((batch) => serialize(batch))()
  const baselineUs = await cpuPerRowUs(stringifyBaseline)()

  const insertSamples: number[] = []
  for (let run = 0; run < 5; run++) {
    const batch = batches[run % batches.length]!
    const sample = await measureCpu(() => store.insert('otel_traces', batch, { dedupToken: `bench-${run}` }))
    insertSamples.push(batch.length / (sample.wallMs / 1000))
  }
  const bytesPerRow = serialize(batches[0]!).length / BATCH

  const rowsOut: BenchRow[] = [
    { scenario: 'serialize spans (compiled)', metric: 'cpu per row', value: compiledUs, unit: 'µs' },
    { scenario: 'serialize spans (JSON.stringify + bigint replacer)', metric: 'cpu per row', value: baselineUs, unit: 'µs' },
    { scenario: 'serialize spans', metric: 'compiled / baseline cpu', value: compiledUs / baselineUs, unit: 'ratio', goal: '<= 1' },
    { scenario: 'serialize spans (compiled)', metric: 'rows per cpu-second', value: 1e6 / compiledUs, unit: 'rows/s' },
    { scenario: 'serialize spans', metric: 'JSONEachRow size', value: bytesPerRow, unit: 'B/row' },
    { scenario: `embedded insert, ${BATCH}-span batches`, metric: 'throughput (wall)', value: median(insertSamples), unit: 'rows/s' },
  ]
  report('store', rowsOut)
  if (sink < 0) console.log(sink)
} finally {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
}
