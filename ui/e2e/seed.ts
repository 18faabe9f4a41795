/**
 * Child-process entry of the e2e harness: migrates a fresh embedded store, inserts the seed
 * rows and a query token, closes the store and exits (chdb binds a data directory to one
 * process, so the query API opens it after this process has gone).
 *
 *   node --import tsx ui/e2e/seed.ts <store dir> <token> <now unix ms>
 */
import { TABLES } from '@periscope/model'
import { createQueryToken } from '@periscope/query-api/api'
import { migrate, openStore } from '@periscope/store'
import { seedRows, TENANT } from './seed-data.ts'

const [dir, token, nowMs] = process.argv.slice(2)
if (!dir || !token || !nowMs) throw new Error('usage: seed.ts <store dir> <token> <now unix ms>')

const store = await openStore({ mode: 'embedded', path: dir })
try {
  await migrate(store)
  const rows = seedRows(BigInt(nowMs) * 1_000_000n)
  await store.insert(TABLES.spans, rows.spans)
  await store.insert(TABLES.logs, rows.logs)
  await store.insert(TABLES.gauge, rows.gauges)
  await store.insert(TABLES.sum, rows.sums)
  await createQueryToken(store, TENANT, 'admin', { plaintext: token, name: 'e2e' })
  process.stdout.write(`seeded ${rows.spans.length} spans, ${rows.logs.length} logs, ${rows.gauges.length + rows.sums.length} points\n`)
} finally {
  await store.close()
}
