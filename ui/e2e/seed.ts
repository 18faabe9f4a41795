/**
 * Child-process entry of the e2e harness: migrates a fresh embedded store, inserts the seed
 * rows of the ordinary tenant (seed-data.ts) and of the hostile one (xss-seed-data.ts) and a
 * query token for each, closes the store and exits (chdb binds a data directory to one
 * process, so the query API opens it after this process has gone).
 *
 *   node --import tsx ui/e2e/seed.ts <store dir> <token> <now unix ms> <hostile tenant's token>
 */
import { TABLES } from '@periscope/model'
import { createQueryToken } from '@periscope/query-api/api'
import { CONFIG_TABLES, migrate, openStore } from '@periscope/store'
import { seedRows, TENANT } from './seed-data.ts'
import { XSS_TENANT, xssSeedRows } from './xss-seed-data.ts'

const [dir, token, nowMs, xssToken] = process.argv.slice(2)
if (!dir || !token || !nowMs || !xssToken) throw new Error('usage: seed.ts <store dir> <token> <now unix ms> <hostile tenant token>')

const store = await openStore({ mode: 'embedded', path: dir })
try {
  await migrate(store)
  const rows = seedRows(BigInt(nowMs) * 1_000_000n)
  await store.insert(TABLES.spans, rows.spans)
  await store.insert(TABLES.logs, rows.logs)
  await store.insert(TABLES.gauge, rows.gauges)
  await store.insert(TABLES.sum, rows.sums)
  await createQueryToken(store, TENANT, 'admin', { plaintext: token, name: 'e2e' })
  const xss = xssSeedRows(BigInt(nowMs) * 1_000_000n)
  await store.insert(TABLES.spans, xss.spans)
  await store.insert(TABLES.logs, xss.logs)
  await store.insert(TABLES.gauge, xss.gauges)
  await store.insert(CONFIG_TABLES.alertEvents, xss.alertEvents)
  await createQueryToken(store, XSS_TENANT, 'admin', { plaintext: xssToken, name: 'e2e-xss' })
  process.stdout.write(`seeded ${rows.spans.length} + ${xss.spans.length} spans, ${rows.logs.length} + ${xss.logs.length} logs, ${rows.gauges.length + rows.sums.length} + ${xss.gauges.length} points\n`)
} finally {
  await store.close()
}
