/**
 * Configuration of the migration job (migrate-main.ts) — the one file of the store that reads the
 * environment. Env: PERISCOPE_MIGRATE_STORE_MODE=server, PERISCOPE_MIGRATE_STORE_URL=…,
 * PERISCOPE_MIGRATE_STORE_CLUSTER=…, PERISCOPE_MIGRATE_STORE_TTL_TRACES_DAYS=…; or a file given
 * as PERISCOPE_MIGRATE_CONFIG_FILE.
 */
import { loadConfigOrExit } from '@periscope/runtime'
import { Type, type Static } from 'typebox'
import { StoreConfigSchema } from './store-config.ts'

export const MigrateConfigSchema = Type.Object(
  {
    store: StoreConfigSchema,
    logLevel: Type.Union([Type.Literal('info'), Type.Literal('warn'), Type.Literal('error'), Type.Literal('debug')], { default: 'info' }),
  },
  { additionalProperties: false },
)
export type MigrateConfig = Static<typeof MigrateConfigSchema>

export function loadMigrateConfig(env: Readonly<Record<string, string | undefined>> = process.env): MigrateConfig {
  return loadConfigOrExit(MigrateConfigSchema, {
    env,
    envPrefix: 'PERISCOPE_MIGRATE',
    file: env.PERISCOPE_MIGRATE_CONFIG_FILE,
    ignoreEnv: ['PERISCOPE_MIGRATE_CONFIG_FILE'],
  })
}
