/**
 * Configuration of the bootstrap job (main.ts); the only bootstrap file that reads process.env.
 *   PERISCOPE_BOOTSTRAP_STORE_MODE=server, PERISCOPE_BOOTSTRAP_STORE_URL=…, _USERNAME, _PASSWORD,
 *   _CLUSTER                         the ClickHouse the services use
 *   PERISCOPE_BOOTSTRAP_TENANT_ID    tenant to provision (default "default")
 *   PERISCOPE_INGEST_KEY, PERISCOPE_ADMIN_TOKEN   the key and token to make valid (both required:
 *                                    at scale they come from a Secret that the agents and the UI
 *                                    read too, so nothing is generated here)
 */
import { Type, type Static } from 'typebox'
import { loadConfig } from '@periscope/runtime'
import { StoreConfigSchema } from '@periscope/store'

export const BootstrapConfigSchema = Type.Object(
  {
    store: StoreConfigSchema,
    tenantId: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$', default: 'default' }),
    logLevel: Type.Union([Type.Literal('info'), Type.Literal('warn'), Type.Literal('error'), Type.Literal('debug')], { default: 'info' }),
  },
  { additionalProperties: false },
)
export type BootstrapConfig = Static<typeof BootstrapConfigSchema> & { ingestKey: string; adminToken: string }

export function loadBootstrapConfig(env: Readonly<Record<string, string | undefined>> = process.env): BootstrapConfig {
  const config = loadConfig(BootstrapConfigSchema, { env, envPrefix: 'PERISCOPE_BOOTSTRAP' })
  const ingestKey = env['PERISCOPE_INGEST_KEY']?.trim()
  const adminToken = env['PERISCOPE_ADMIN_TOKEN']?.trim()
  const missing = [!ingestKey && 'PERISCOPE_INGEST_KEY', !adminToken && 'PERISCOPE_ADMIN_TOKEN'].filter(Boolean)
  if (missing.length > 0) throw new Error(`${missing.join(' and ')} must be set (from the Secret periscope-credentials)`)
  return { ...config, ingestKey: ingestKey!, adminToken: adminToken! }
}
