import { describe, expect, it } from 'vitest'
import { loadUiConfig } from '../config.ts'
import { contentSecurityPolicy, newNonce } from './csp.ts'
import { severityLevel } from './severity.ts'

describe('content security policy', () => {
  it('allows only nonced scripts from our origin and no eval in production', () => {
    const policy = contentSecurityPolicy('abc', { dev: false })
    expect(policy).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'")
    expect(policy).not.toContain('unsafe-eval')
    expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/)
    expect(policy).toContain("object-src 'none'")
    expect(policy).toContain("connect-src 'self'")
    expect(contentSecurityPolicy('abc', { dev: true })).toContain("'unsafe-eval'")
  })
  it('makes a fresh 128-bit nonce each time', () => {
    const a = newNonce()
    expect(atob(a)).toHaveLength(16)
    expect(newNonce()).not.toBe(a)
  })
})

describe('UI config', () => {
  it('defaults to the local query API and keeps the token optional', () => {
    expect(loadUiConfig({})).toEqual({ queryApiUrl: 'http://127.0.0.1:8080', apiToken: undefined, proxyTimeoutMs: 30_000 })
    expect(loadUiConfig({ PERISCOPE_QUERY_API_URL: 'http://q:9/', PERISCOPE_UI_API_TOKEN: ' t ' })).toMatchObject({ queryApiUrl: 'http://q:9', apiToken: 't' })
    expect(() => loadUiConfig({ PERISCOPE_QUERY_API_URL: 'not a url' })).toThrow(/PERISCOPE_QUERY_API_URL/)
    expect(() => loadUiConfig({ PERISCOPE_UI_PROXY_TIMEOUT_MS: '5' })).toThrow(/TIMEOUT/)
  })
})

describe('severity', () => {
  it('reads the OTLP number first, the text otherwise', () => {
    expect([1, 5, 9, 13, 17, 21].map((n) => severityLevel('', n))).toEqual(['trace', 'debug', 'info', 'warn', 'error', 'fatal'])
    expect(severityLevel('Warning', 0)).toBe('warn')
    expect(severityLevel('CRITICAL', 0)).toBe('fatal')
    expect(severityLevel('', 0)).toBe('info')
  })
})
