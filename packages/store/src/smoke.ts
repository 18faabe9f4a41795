/**
 * CI smoke check of the embedded engine: `node --import tsx packages/store/src/smoke.ts <dir>`
 * opens the store embedded in <dir>, prints the engine's version and exits 0 (1 on failure).
 */
import { openStore } from './open-store.ts'

const dir = process.argv[2]
if (!dir) {
  console.error('usage: smoke.ts <data-dir>')
  process.exit(2)
}
try {
  const store = await openStore({ mode: 'embedded', path: dir })
  const result = await store.client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' })
  const [row] = await result.json<{ version: string }>()
  console.log(`ClickHouse ${row?.version} (embedded, ${dir})`)
  await store.close()
} catch (error) {
  console.error('store smoke check failed:', error)
  process.exit(1)
}
