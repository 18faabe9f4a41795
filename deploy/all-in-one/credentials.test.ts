import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fingerprint, readCredentialsFile, resolveCredentials, writeCredentialsFile, type Provisioner, type SecretKind, type StoredCredentials } from './credentials.ts'

/** Records what would be written to the store; generated values are predictable. */
function fakeProvisioner(): Provisioner & { created: Array<[SecretKind, string | undefined]>; tenants: number } {
  let n = 0
  const fake = {
    created: [] as Array<[SecretKind, string | undefined]>,
    tenants: 0,
    async ensureTenant() {
      fake.tenants++
    },
    async create(kind: SecretKind, plaintext: string | undefined) {
      fake.created.push([kind, plaintext])
      return plaintext ?? `${kind}-generated-${++n}`
    },
  }
  return fake
}

const dir = mkdtempSync(join(tmpdir(), 'periscope-credentials-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('default credentials', () => {
  it('generates both on the first start and reuses them afterwards without writing to the store again', async () => {
    const provisioner = fakeProvisioner()
    const first = await resolveCredentials({ provisioner, tenantId: 'default', env: {}, stored: undefined, remember: true })
    expect(first).toMatchObject({ ingestKey: 'ingestKey-generated-1', adminToken: 'adminToken-generated-2', origin: { ingestKey: 'generated', adminToken: 'generated' }, changed: true })
    expect(provisioner.created).toEqual([
      ['ingestKey', undefined],
      ['adminToken', undefined],
    ])
    const again = fakeProvisioner()
    const second = await resolveCredentials({ provisioner: again, tenantId: 'default', env: {}, stored: first.stored, remember: true })
    expect(second).toMatchObject({ ingestKey: first.ingestKey, adminToken: first.adminToken, origin: { ingestKey: 'stored', adminToken: 'stored' }, changed: false })
    expect(again.created).toEqual([])
    expect(again.tenants).toBe(1)
  })

  it('takes PERISCOPE_INGEST_KEY / PERISCOPE_ADMIN_TOKEN, writes each once per data directory, and never stores their plaintext', async () => {
    const env = { ingestKey: 'operator-chosen-ingest-key', adminToken: 'operator-chosen-admin-token' }
    const provisioner = fakeProvisioner()
    const first = await resolveCredentials({ provisioner, tenantId: 'default', env, stored: undefined, remember: true })
    expect(first).toMatchObject({ ingestKey: env.ingestKey, adminToken: env.adminToken, origin: { ingestKey: 'env', adminToken: 'env' } })
    expect(provisioner.created).toEqual([
      ['ingestKey', env.ingestKey],
      ['adminToken', env.adminToken],
    ])
    expect(JSON.stringify(first.stored)).not.toContain(env.ingestKey)
    expect(first.stored.provisioned).toEqual([fingerprint(env.ingestKey), fingerprint(env.adminToken)])
    // a key revoked through the API must stay revoked: the next start does not write it again
    const again = fakeProvisioner()
    await resolveCredentials({ provisioner: again, tenantId: 'default', env, stored: first.stored, remember: true })
    expect(again.created).toEqual([])
    // a new operator value is written; the generated one on file is not used while env is set
    const rotated = fakeProvisioner()
    const third = await resolveCredentials({ provisioner: rotated, tenantId: 'default', env: { ...env, ingestKey: 'a-rotated-ingest-key-value' }, stored: first.stored, remember: true })
    expect(rotated.created).toEqual([['ingestKey', 'a-rotated-ingest-key-value']])
    expect(third.ingestKey).toBe('a-rotated-ingest-key-value')
  })

  it('writes operator values on every run when there is nothing to remember them in (bootstrap job)', async () => {
    const provisioner = fakeProvisioner()
    await resolveCredentials({ provisioner, tenantId: 'default', env: { ingestKey: 'k'.repeat(20), adminToken: 't'.repeat(20) }, stored: undefined, remember: false })
    await resolveCredentials({ provisioner, tenantId: 'default', env: { ingestKey: 'k'.repeat(20), adminToken: 't'.repeat(20) }, stored: undefined, remember: false })
    expect(provisioner.created).toHaveLength(4)
  })

  it('refuses credentials of another tenant', async () => {
    const stored: StoredCredentials = { version: 1, tenantId: 'acme', provisioned: [] }
    await expect(resolveCredentials({ provisioner: fakeProvisioner(), tenantId: 'default', env: {}, stored, remember: true })).rejects.toThrow(/tenant "acme"/)
  })

  it('keeps credentials.json owner-only and refuses a file it cannot read instead of overwriting it', () => {
    const file = join(dir, 'credentials.json')
    expect(readCredentialsFile(file)).toBeUndefined()
    const stored: StoredCredentials = { version: 1, tenantId: 'default', ingestKey: 'psk_x', adminToken: 'pqt_y', provisioned: [] }
    writeCredentialsFile(file, stored)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readCredentialsFile(file)).toEqual(stored)
    writeFileSync(file, '{"version":2}')
    expect(() => readCredentialsFile(file)).toThrow(/does not hold Periscope credentials/)
    writeFileSync(file, 'not json')
    expect(() => readCredentialsFile(file)).toThrow(/not valid JSON/)
    expect(readFileSync(file, 'utf8')).toBe('not json')
  })
})
