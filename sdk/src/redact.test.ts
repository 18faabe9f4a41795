import { describe, expect, it } from 'vitest'
import { createRedactor, luhnValid } from './redact.ts'

const R = '[REDACTED]'

describe('luhnValid', () => {
  it('accepts known test card numbers and rejects a changed digit', () => {
    expect(luhnValid('4242424242424242')).toBe(true)
    expect(luhnValid('5555555555554444')).toBe(true)
    expect(luhnValid('378282246310005')).toBe(true)
    expect(luhnValid('4242424242424241')).toBe(false)
  })
})

describe('key-based redaction', () => {
  const r = createRedactor()
  it('replaces values of secret keys at any depth, whatever their type', () => {
    const input = {
      user: 'bob',
      password: 'hunter2',
      nested: { Authorization: 'Basic abc', 'set-cookie': ['a=1', 'b=2'], deeper: [{ client_secret: { any: 'thing' } }] },
      headers: { 'X-Api-Key': 'k1', cookie: 'sid=1' },
    }
    expect(r.redact(input)).toEqual({
      user: 'bob',
      password: R,
      nested: { Authorization: R, 'set-cookie': R, deeper: [{ client_secret: R }] },
      headers: { 'X-Api-Key': R, cookie: R },
    })
  })
  it('matches normalised keys: case, dashes and underscores do not matter', () => {
    for (const k of ['apiKey', 'API_KEY', 'api-key', 'accessToken', 'refresh_token', 'db_password', 'PASSWD', 'creditCardNumber', 'private_key']) {
      expect(r.isSensitiveKey(k), k).toBe(true)
    }
  })
  it('matches short fragments only at the end of a key', () => {
    expect(r.isSensitiveKey('user_ssn')).toBe(true)
    expect(r.isSensitiveKey('card_cvv')).toBe(true)
    expect(r.isSensitiveKey('classname')).toBe(false)
    expect(r.isSensitiveKey('pinned')).toBe(false)
  })
  it('leaves ordinary keys alone', () => {
    for (const k of ['user', 'orderId', 'status', 'durationMs', 'author']) expect(r.isSensitiveKey(k), k).toBe(false)
  })
  it('replaces or extends the key list when configured', () => {
    const only = createRedactor({ keys: ['ssn'] })
    expect(only.redact({ password: 'p', ssn: '1' })).toEqual({ password: 'p', ssn: R })
    const extra = createRedactor({ extraKeys: ['tenant_code'] })
    expect(extra.redact({ password: 'p', tenantCode: 'x' })).toEqual({ password: R, tenantCode: R })
  })
})

describe('value-based redaction', () => {
  const r = createRedactor()
  it('redacts Luhn-valid card numbers, plain or grouped by spaces or dashes', () => {
    expect(r.redactString('card 4242424242424242 used')).toBe(`card ${R} used`)
    expect(r.redactString('card 4242 4242 4242 4242.')).toBe(`card ${R}.`)
    expect(r.redactString('amex 3782-822463-10005')).toBe(`amex ${R}`)
    expect(r.redactString('5555-5555-5555-4444')).toBe(R)
  })
  it('keeps digit runs that are not card numbers', () => {
    expect(r.redactString('card 4242424242424241 used')).toBe('card 4242424242424241 used')
    // epoch milliseconds: 13 digits, but no card starts with 1
    expect(r.redactString('at 1735689600000 ms')).toBe('at 1735689600000 ms')
    // digits inside a hex id are not a separate number
    expect(r.redactString('trace a4242424242424242b')).toBe('trace a4242424242424242b')
    expect(r.redactString('order 12345')).toBe('order 12345')
  })
  it('redacts e-mail addresses', () => {
    expect(r.redactString('mail bob.smith+shop@example.co.uk now')).toBe(`mail ${R} now`)
    expect(r.redactString('no mail @ here')).toBe('no mail @ here')
  })
  it('redacts bearer and basic credentials and JSON web tokens', () => {
    expect(r.redactString('Authorization: Bearer abc.def-ghi_123')).toBe(`Authorization: Bearer ${R}`)
    expect(r.redactString('basic dXNlcjpwYXNz==')).toBe(`basic ${R}`)
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'
    expect(r.redactString(`token=${jwt}`)).toBe(`token=${R}`)
  })
  it('redacts card numbers held as integers', () => {
    expect(r.redact({ n: 4242424242424242 })).toEqual({ n: R })
    expect(r.redact({ n: 1735689600000 })).toEqual({ n: 1735689600000 })
  })
  it('applies custom patterns and can switch rules off', () => {
    const custom = createRedactor({ patterns: [/ACME-\d{6}/], emails: false, censor: '***' })
    expect(custom.redactString('id ACME-123456 for a@b.io')).toBe('id *** for a@b.io')
    const off = createRedactor({ enabled: false })
    const input = { password: 'p', note: 'a@b.io' }
    expect(off.redact(input)).toBe(input)
  })
})

describe('redaction mechanics', () => {
  const r = createRedactor()
  it('returns the same reference when nothing needs redacting, and never mutates the input', () => {
    const clean = { a: 1, b: ['x', { c: 'y' }] }
    expect(r.redact(clean)).toBe(clean)
    const dirty = { a: { password: 'p' }, b: 'ok' }
    const out = r.redact(dirty)
    expect(out).not.toBe(dirty)
    expect(dirty.a.password).toBe('p')
    expect(out.a).toEqual({ password: R })
  })
  it('survives cycles and cuts deep nesting', () => {
    const cyclic: Record<string, unknown> = { name: 'a@b.io' }
    cyclic.self = cyclic
    const out = r.redact(cyclic) as Record<string, unknown>
    expect(out.name).toBe(R)
    let deep: Record<string, unknown> = { leaf: 'x' }
    for (let i = 0; i < 12; i++) deep = { next: deep }
    const shallow = createRedactor({ maxDepth: 3 }).redact(deep) as { next: { next: { next: unknown } } }
    expect(shallow.next.next.next).toBe('[Truncated]')
  })
  it('leaves class instances to serialise themselves', () => {
    const d = new Date(0)
    expect(r.redact({ d }).d).toBe(d)
  })
  it('does not throw on a throwing getter', () => {
    const evil = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('no')
      },
    })
    expect(() => r.redact(evil)).not.toThrow()
  })
})
