import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { bearerToken, generateApiKey, hashSecret, parseApiKey, secretMatches } from './api-key.ts'
import { createMemoryApiKeySource, createTenantResolver, type ApiKeySource } from './tenant-resolver.ts'

describe('api keys', () => {
  it('generates keys of the documented format whose hash is sha256 of the secret', () => {
    const key = generateApiKey()
    expect(key.plaintext).toMatch(/^psk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/)
    expect(key.plaintext).toBe(`psk_${key.keyId}_${key.secret}`)
    expect(key.keyHash).toBe(createHash('sha256').update(key.secret).digest('hex'))
    expect(Buffer.from(key.secret, 'base64url')).toHaveLength(32)
    expect(generateApiKey().plaintext).not.toBe(key.plaintext)
  })

  it('parses generated and custom keys, refuses junk', () => {
    const key = generateApiKey()
    expect(parseApiKey(key.plaintext)).toEqual({ keyId: key.keyId, secret: key.secret })
    const custom = parseApiKey('my-own-dev-key-123')
    expect(custom?.secret).toBe('my-own-dev-key-123')
    expect(custom?.keyId).toMatch(/^h[0-9a-f]{15}$/)
    expect(parseApiKey('my-own-dev-key-123')).toEqual(custom)
    expect(parseApiKey('short')).toBeNull()
    expect(parseApiKey('has a space in it ok')).toBeNull()
    expect(parseApiKey('x'.repeat(257))).toBeNull()
  })

  it('matches secrets against stored hashes only when equal', () => {
    expect(secretMatches('abc', hashSecret('abc'))).toBe(true)
    expect(secretMatches('abd', hashSecret('abc'))).toBe(false)
    expect(secretMatches('abc', 'not-a-hash')).toBe(false)
    expect(secretMatches('abc', hashSecret('abc').toUpperCase())).toBe(false)
  })

  it('reads bearer tokens', () => {
    expect(bearerToken('Bearer abc')).toBe('abc')
    expect(bearerToken('bearer   abc ')).toBe('abc')
    expect(bearerToken('Basic abc')).toBeNull()
    expect(bearerToken('Bearer a b')).toBeNull()
    expect(bearerToken(undefined)).toBeNull()
  })
})

describe('createTenantResolver', () => {
  function setup(ttlMs = 60_000) {
    let now = 0
    const key = generateApiKey()
    const source = createMemoryApiKeySource([{ keyId: key.keyId, tenantId: 't1', keyHash: key.keyHash, revoked: false }])
    const resolver = createTenantResolver({ source, nowMs: () => now, ttlMs, negativeTtlMs: 1000, maxEntries: 3 })
    return { key, source, resolver, advance: (ms: number) => (now += ms) }
  }

  it('resolves a valid key to its tenant and caches the row', async () => {
    const { key, source, resolver } = setup()
    expect(await resolver.resolve(key.plaintext)).toEqual({ ok: true, tenantId: 't1' })
    expect(await resolver.resolve(key.plaintext)).toEqual({ ok: true, tenantId: 't1' })
    expect(source.lookups()).toBe(1)
  })

  it('refuses a wrong secret for a known key id, even when cached', async () => {
    const { key, resolver } = setup()
    await resolver.resolve(key.plaintext)
    const forged = `psk_${key.keyId}_${'A'.repeat(43)}`
    expect(await resolver.resolve(forged)).toEqual({ ok: false, reason: 'unknown' })
  })

  it('stops accepting a revoked key once the TTL has passed, and not before the row is re-read', async () => {
    const { key, source, resolver, advance } = setup(60_000)
    expect((await resolver.resolve(key.plaintext)).ok).toBe(true)
    source.revoke(key.keyId)
    advance(59_999)
    expect((await resolver.resolve(key.plaintext)).ok).toBe(true)
    advance(1)
    expect(await resolver.resolve(key.plaintext)).toEqual({ ok: false, reason: 'revoked' })
  })

  it('remembers unknown keys briefly', async () => {
    const { source, resolver, advance } = setup()
    const stranger = generateApiKey()
    expect(await resolver.resolve(stranger.plaintext)).toEqual({ ok: false, reason: 'unknown' })
    expect(await resolver.resolve(stranger.plaintext)).toEqual({ ok: false, reason: 'unknown' })
    expect(source.lookups()).toBe(1)
    source.add({ keyId: stranger.keyId, tenantId: 't2', keyHash: stranger.keyHash, revoked: false })
    advance(1000)
    expect(await resolver.resolve(stranger.plaintext)).toEqual({ ok: true, tenantId: 't2' })
  })

  it('answers malformed keys without a lookup', async () => {
    const { source, resolver } = setup()
    expect(await resolver.resolve('nope')).toEqual({ ok: false, reason: 'malformed' })
    expect(source.lookups()).toBe(0)
  })

  it('keeps made-up keys from evicting keys in use', async () => {
    const { key, source, resolver } = setup()
    await resolver.resolve(key.plaintext)
    for (let i = 0; i < 10; i++) await resolver.resolve(generateApiKey().plaintext)
    expect(resolver.size()).toEqual({ positive: 1, negative: 3 })
    const before = source.lookups()
    expect((await resolver.resolve(key.plaintext)).ok).toBe(true)
    expect(source.lookups()).toBe(before)
  })

  it('shares one lookup between concurrent misses', async () => {
    const { key, source, resolver } = setup()
    const outcomes = await Promise.all([1, 2, 3].map(() => resolver.resolve(key.plaintext)))
    expect(outcomes.every((o) => o.ok)).toBe(true)
    expect(source.lookups()).toBe(1)
  })

  it('reports a failing source as unavailable and never serves a row past its TTL', async () => {
    let now = 0
    let failing = false
    const key = generateApiKey()
    const source: ApiKeySource = {
      async findKey() {
        if (failing) throw new Error('store down')
        return { keyId: key.keyId, tenantId: 't1', keyHash: key.keyHash, revoked: false }
      },
    }
    const resolver = createTenantResolver({ source, nowMs: () => now, ttlMs: 10_000 })
    expect((await resolver.resolve(key.plaintext)).ok).toBe(true)
    failing = true
    now = 10_000
    const outcome = await resolver.resolve(key.plaintext)
    expect(outcome.ok).toBe(false)
    if (!outcome.ok) expect(outcome.reason).toBe('unavailable')
  })

  it('refuses a TTL above 60 s', () => {
    expect(() => createTenantResolver({ source: createMemoryApiKeySource(), nowMs: () => 0, ttlMs: 60_001 })).toThrow(
      RangeError,
    )
  })
})
