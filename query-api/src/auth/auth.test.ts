import { describe, expect, it } from 'vitest'
import { bearerToken, generateToken, hashSecret, parseToken, roleAtLeast, secretMatches } from './query-token.ts'
import { createTokenResolver, type TokenSource } from './token-resolver.ts'
import type { TokenRecord } from './token-store.ts'

describe('query tokens', () => {
  it('generate a public id and a secret stored only as its hash', () => {
    const token = generateToken()
    expect(token.plaintext).toMatch(/^pqt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/)
    expect(parseToken(token.plaintext)).toEqual({ tokenId: token.tokenId, secret: token.secret })
    expect(token.tokenHash).toBe(hashSecret(token.secret))
    expect(token.tokenHash).not.toContain(token.secret)
    expect(secretMatches(token.secret, token.tokenHash)).toBe(true)
    expect(secretMatches(token.secret + 'x', token.tokenHash)).toBe(false)
    expect(secretMatches(token.secret, 'not-a-hash')).toBe(false)
  })
  it('accept operator-chosen tokens with a derived id, and nothing shorter or with spaces', () => {
    const parsed = parseToken('my-operator-admin-token-1')!
    expect(parsed.tokenId).toMatch(/^h[0-9a-f]{15}$/)
    expect(parsed.secret).toBe('my-operator-admin-token-1')
    expect(parseToken('short')).toBeNull()
    expect(parseToken('has a space in it, long enough')).toBeNull()
  })
  it('read only the bearer scheme', () => {
    expect(bearerToken('Bearer abc')).toBe('abc')
    expect(bearerToken('bearer   abc  ')).toBe('abc')
    expect(bearerToken('Basic abc')).toBeNull()
    expect(bearerToken(undefined)).toBeNull()
  })
  it('order roles viewer < editor < admin', () => {
    expect(roleAtLeast('admin', 'editor')).toBe(true)
    expect(roleAtLeast('editor', 'editor')).toBe(true)
    expect(roleAtLeast('viewer', 'editor')).toBe(false)
  })
})

function memorySource(records: TokenRecord[]): TokenSource & { lookups: number; fail: boolean } {
  const state = {
    lookups: 0,
    fail: false,
    async findToken(tokenId: string) {
      state.lookups++
      if (state.fail) throw new Error('store down')
      const record = records.find((r) => r.tokenId === tokenId)
      return record ? { ...record } : null
    },
  }
  return state
}

describe('createTokenResolver', () => {
  const token = generateToken()
  const record: TokenRecord = { tokenId: token.tokenId, tenantId: 'acme', tokenHash: token.tokenHash, role: 'editor', revoked: false }

  it('resolves tenant and role, caching the row for its TTL and sharing concurrent lookups', async () => {
    let nowMs = 0
    const source = memorySource([record])
    const resolver = createTokenResolver({ source, nowMs: () => nowMs, ttlMs: 1000 })
    const [a, b] = await Promise.all([resolver.resolve(token.plaintext), resolver.resolve(token.plaintext)])
    expect(a).toEqual({ ok: true, tenantId: 'acme', role: 'editor', tokenId: token.tokenId })
    expect(b).toEqual(a)
    expect(source.lookups).toBe(1)
    nowMs = 999
    await resolver.resolve(token.plaintext)
    expect(source.lookups).toBe(1)
    nowMs = 1000
    await resolver.resolve(token.plaintext)
    expect(source.lookups).toBe(2)
  })

  it('re-checks the secret on every request, and reports revoked and unknown tokens', async () => {
    const revoked = generateToken()
    const source = memorySource([record, { tokenId: revoked.tokenId, tenantId: 'acme', tokenHash: revoked.tokenHash, role: 'admin', revoked: true }])
    const resolver = createTokenResolver({ source, nowMs: () => 0 })
    await resolver.resolve(token.plaintext)
    const forged = `pqt_${token.tokenId}_${'A'.repeat(43)}`
    expect(await resolver.resolve(forged)).toEqual({ ok: false, reason: 'unknown' })
    expect(await resolver.resolve(revoked.plaintext)).toEqual({ ok: false, reason: 'revoked' })
    expect(await resolver.resolve(generateToken().plaintext)).toEqual({ ok: false, reason: 'unknown' })
    expect(await resolver.resolve('x')).toEqual({ ok: false, reason: 'malformed' })
  })

  it('answers unavailable when the source fails and nothing fresh is cached', async () => {
    const source = memorySource([record])
    source.fail = true
    const resolver = createTokenResolver({ source, nowMs: () => 0 })
    expect(await resolver.resolve(token.plaintext)).toMatchObject({ ok: false, reason: 'unavailable' })
  })

  it('bounds both caches, so made-up tokens evict only each other', async () => {
    const source = memorySource([record])
    const resolver = createTokenResolver({ source, nowMs: () => 0, maxEntries: 3 })
    await resolver.resolve(token.plaintext)
    for (let i = 0; i < 10; i++) await resolver.resolve(generateToken().plaintext)
    expect(resolver.size()).toEqual({ positive: 1, negative: 3 })
    const before = source.lookups
    expect((await resolver.resolve(token.plaintext)).ok).toBe(true)
    expect(source.lookups).toBe(before)
  })

  it('refuses a TTL over 60 s', () => {
    expect(() => createTokenResolver({ source: memorySource([]), nowMs: () => 0, ttlMs: 60_001 })).toThrow(RangeError)
  })
})
