/**
 * An app over a real embedded store for integration tests: a temp data directory (chdb binds
 * one per process, so one harness per test file), migrated schema, and tokens per tenant/role.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger, createSelfMetrics } from '@periscope/runtime'
import { migrate, openStore, type Store } from '@periscope/store'
import { build } from '../app.ts'
import { createQueryToken } from '../auth/token-store.ts'
import type { Role } from '../auth/query-token.ts'
import { defaultAppConfig, type AppConfig } from '../config.ts'
import type { ApiInstance, Clock, RouteModule } from '../routes/route-module.ts'

export interface Harness {
  store: Store
  dir: string
  /** a new app over the same store (config overrides per app) */
  app(options?: { config?: Parameters<typeof defaultAppConfig>[0]; clock?: Clock; extraRoutes?: RouteModule[]; logLevel?: 'silent' | 'error' | 'warn'; hourlyRollup?: boolean }): Promise<ApiInstance>
  /** `Authorization` header of a new token */
  token(tenantId: string, role: Role): Promise<{ authorization: string }>
  close(): Promise<void>
}

export async function openHarness(name: string): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), `periscope-query-${name}-`))
  const store = await openStore({ mode: 'embedded', path: join(dir, 'db') })
  await migrate(store)
  const apps: ApiInstance[] = []
  return {
    store,
    dir,
    async app(options = {}) {
      const config: AppConfig = defaultAppConfig(options.config)
      const app = await build({
        config,
        logger: createLogger({ service: 'query-api', level: options.logLevel ?? 'silent' }),
        store,
        metrics: createSelfMetrics({ service: 'query-api', defaultMetrics: false }),
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.extraRoutes ? { extraRoutes: options.extraRoutes } : {}),
        ...(options.hourlyRollup !== undefined ? { schema: { hourlyRollup: options.hourlyRollup } } : {}),
      })
      apps.push(app)
      return app
    },
    async token(tenantId, role) {
      const created = await createQueryToken(store, tenantId, role)
      return { authorization: `Bearer ${created.plaintext}` }
    },
    async close() {
      for (const app of apps) await app.close()
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The exact q-quantile by nearest rank (what the bucketed answer approximates from above). */
export function exactQuantile(values: readonly bigint[], q: number): number {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return Number(sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!)
}
