import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encodeTraces, spanRows, type SpanRow } from '@periscope/model'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from './migrations.ts'
import { openStore, type Store } from './open-store.ts'
import { generateShopTraces } from './testing/shop-traces.ts'

const SPANS = 200_000
const dir = mkdtempSync(join(tmpdir(), 'periscope-store-storage-'))
let store: Store

beforeAll(async () => {
  store = await openStore({ mode: 'embedded', path: join(dir, 'db') })
  await migrate(store)
})

afterAll(async () => {
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('storage of spans', () => {
  it('takes at most 1/8 of the OTLP protobuf size on disk for a realistic shop workload', async () => {
    const startNs = (BigInt(Date.now()) - 3_600_000n) * 1_000_000n
    const shop = generateShopTraces({ spanCount: SPANS, seed: 20_240_601, startNs })
    let protobufBytes = 0
    const rows: SpanRow[] = []
    for (const request of shop.requests) {
      protobufBytes += encodeTraces(request, 'protobuf').length
      const converted = spanRows(request, 'tenant-shop')
      expect(converted.rejected).toEqual([])
      rows.push(...converted.rows)
    }
    expect(rows.length).toBe(shop.spanCount)
    // ingest-sized batches
    for (let i = 0; i < rows.length; i += 20_000) await store.insert('otel_traces', rows.slice(i, i + 20_000), { dedupToken: `storage-${i}` })
    await store.client.command({ query: 'OPTIMIZE TABLE otel_traces FINAL' })
    const result = await store.client.query({
      query: `SELECT sum(bytes_on_disk) AS bytes, sum(rows) AS rows FROM system.parts
              WHERE active AND database = currentDatabase() AND table = 'otel_traces'`,
      format: 'JSONEachRow',
    })
    const [disk] = await result.json<{ bytes: string; rows: string }>()
    const diskBytes = Number(disk!.bytes)
    expect(Number(disk!.rows)).toBe(shop.spanCount)
    const report = {
      spans: shop.spanCount,
      traces: shop.traceCount,
      protobufBytesPerSpan: +(protobufBytes / shop.spanCount).toFixed(1),
      diskBytesPerSpan: +(diskBytes / shop.spanCount).toFixed(1),
      protobufToDiskRatio: +(protobufBytes / diskBytes).toFixed(2),
    }
    console.log(`[storage] ${JSON.stringify(report)}`)
    expect(diskBytes * 8).toBeLessThanOrEqual(protobufBytes)
  })
})
