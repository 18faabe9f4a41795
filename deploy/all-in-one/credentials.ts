/**
 * The default tenant's first ingest key and admin token.
 *
 * Sources, per secret: the operator's value (PERISCOPE_INGEST_KEY / PERISCOPE_ADMIN_TOKEN) wins;
 * otherwise the value generated on an earlier start (credentials.json); otherwise a new one is
 * generated now. The store keeps only hashes (api_keys, query_tokens); the plaintexts of
 * generated secrets live in `<data>/credentials.json` so the launcher can hand them to the agent
 * and the UI on every start and print them once, on the start that created them.
 *
 * credentials.json (mode 0600, written atomically: temp file + rename):
 *   { "version": 1, "tenantId": "default",
 *     "ingestKey": "psk_…" | absent,      generated key, plaintext
 *     "adminToken": "pqt_…" | absent,     generated token, plaintext
 *     "provisioned": ["<sha256 hex>", …] operator-given values already written to the store }
 * Invariant: a secret is written to the store at most once per data directory. An operator value
 * is recognised by its sha256 fingerprint, so a key revoked through the API stays revoked across
 * restarts even while the variable is still set. Without a ledger (the Kubernetes bootstrap Job,
 * which has no data directory) operator values are written on every run: rotate the Secret to
 * retire them.
 */
import { createHash } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'

export const DEFAULT_TENANT_ID = 'default'

export type SecretKind = 'ingestKey' | 'adminToken'

/** Writes one secret to the store; returns its plaintext (the given one, or a generated one). */
export interface Provisioner {
  ensureTenant(): Promise<void>
  create(kind: SecretKind, plaintext: string | undefined): Promise<string>
}

export interface StoredCredentials {
  version: 1
  tenantId: string
  ingestKey?: string
  adminToken?: string
  provisioned: string[]
}

export interface CredentialsOutcome {
  tenantId: string
  ingestKey: string
  adminToken: string
  /** where each value came from; `generated` ones are shown to the user this once */
  origin: Record<SecretKind, 'env' | 'stored' | 'generated'>
  /** the state to persist (unchanged when nothing was created) */
  stored: StoredCredentials
  changed: boolean
}

export function fingerprint(secret: string): string {
  return createHash('sha256').update('periscope-provisioned:').update(secret).digest('hex')
}

export async function resolveCredentials(options: {
  provisioner: Provisioner
  tenantId: string
  env: Partial<Record<SecretKind, string | undefined>>
  stored: StoredCredentials | undefined
  /** false: operator values are written every time (no data directory to remember them in) */
  remember: boolean
}): Promise<CredentialsOutcome> {
  const { provisioner, tenantId } = options
  if (options.stored && options.stored.tenantId !== tenantId) {
    throw new Error(`credentials.json belongs to tenant ${JSON.stringify(options.stored.tenantId)}, not ${JSON.stringify(tenantId)}`)
  }
  const stored: StoredCredentials = options.stored ? structuredClone(options.stored) : { version: 1, tenantId, provisioned: [] }
  let changed = options.stored === undefined
  await provisioner.ensureTenant()

  const origin = {} as Record<SecretKind, 'env' | 'stored' | 'generated'>
  const values = {} as Record<SecretKind, string>
  for (const kind of ['ingestKey', 'adminToken'] as const) {
    const given = options.env[kind]?.trim()
    if (given) {
      const print = fingerprint(given)
      if (!options.remember || !stored.provisioned.includes(print)) {
        await provisioner.create(kind, given)
        if (options.remember) {
          stored.provisioned.push(print)
          changed = true
        }
      }
      values[kind] = given
      origin[kind] = 'env'
    } else if (stored[kind]) {
      values[kind] = stored[kind]
      origin[kind] = 'stored'
    } else {
      const created = await provisioner.create(kind, undefined)
      stored[kind] = created
      values[kind] = created
      origin[kind] = 'generated'
      changed = true
    }
  }
  return { tenantId, ingestKey: values.ingestKey, adminToken: values.adminToken, origin, stored, changed }
}

/** Reads credentials.json; undefined when absent. A malformed file is an error, never overwritten. */
export function readCredentialsFile(path: string): StoredCredentials | undefined {
  if (!existsSync(path)) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (cause) {
    throw new Error(`${path} is not valid JSON; fix or remove it (removing it generates new credentials)`, { cause })
  }
  const value = parsed as Partial<StoredCredentials>
  const optionalString = (v: unknown) => v === undefined || (typeof v === 'string' && v.length > 0)
  if (
    value === null ||
    typeof value !== 'object' ||
    value.version !== 1 ||
    typeof value.tenantId !== 'string' ||
    !optionalString(value.ingestKey) ||
    !optionalString(value.adminToken) ||
    !Array.isArray(value.provisioned) ||
    !value.provisioned.every((p) => typeof p === 'string')
  ) {
    throw new Error(`${path} does not hold Periscope credentials (version 1); fix or remove it`)
  }
  return value as StoredCredentials
}

export function writeCredentialsFile(path: string, credentials: StoredCredentials): void {
  const temporary = `${path}.tmp-${process.pid}`
  writeFileSync(temporary, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 })
  chmodSync(temporary, 0o600)
  renameSync(temporary, path)
}
