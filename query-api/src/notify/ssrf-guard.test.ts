import { describe, expect, it } from 'vitest'
import { createSsrfGuard, embeddedIpv4, parseRange, type ResolvedAddress } from './ssrf-guard.ts'

/** A resolver over a fixed table: no network in unit tests. */
function resolver(table: Record<string, string[]>) {
  return async (host: string): Promise<ResolvedAddress[]> => {
    const addresses = table[host]
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
  }
}

const DNS = resolver({
  'hooks.example.com': ['93.184.216.34'],
  'internal.example.com': ['10.1.2.3'],
  'split.example.com': ['93.184.216.34', '192.168.1.10'],
  'receiver.test': ['127.0.0.1'],
  'v6.example.com': ['2606:2800:220:1:248:1893:25c8:1946'],
  'ula.example.com': ['fd12:3456::1'],
})

describe('SSRF guard', () => {
  const guard = createSsrfGuard({ allow: [], resolve: DNS })

  it.each([
    ['http://127.0.0.1:8080/hook', 'loopback'],
    ['http://127.10.0.1/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://10.0.0.5/', 'private'],
    ['http://172.20.1.1/', 'private'],
    ['http://192.168.0.1/', 'private'],
    ['http://100.64.0.1/', 'shared (CGNAT)'],
    ['http://169.254.10.10/', 'link-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://[fc00::1]/', 'unique local'],
    ['http://169.254.169.254/latest/meta-data/', 'cloud metadata'],
    ['http://[fd00:ec2::254]/', 'cloud metadata'],
    ['http://100.100.100.200/', 'cloud metadata'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:a9fe:a9fe]/', 'cloud metadata'],
    ['http://[64:ff9b::a00:1]/', 'private'],
    ['http://[2002:c0a8:0101::1]/', 'private'],
    ['http://224.0.0.1/', 'multicast'],
  ])('refuses %s (%s)', async (url, what) => {
    const outcome = await guard.check(url)
    expect(outcome.ok).toBe(false)
    if (!outcome.ok) {
      expect(outcome.reason).toContain(what)
      expect(outcome.retryable).toBe(false)
    }
  })

  it('refuses names that resolve to internal addresses, after resolution', async () => {
    const outcome = await guard.check('https://internal.example.com/x')
    expect(outcome).toMatchObject({ ok: false, retryable: false })
    expect(!outcome.ok && outcome.reason).toMatch(/internal\.example\.com resolves to 10\.1\.2\.3, a private address/)
    expect(await guard.check('https://ula.example.com/')).toMatchObject({ ok: false })
    expect(await guard.check('http://receiver.test:9999/')).toMatchObject({ ok: false })
  })

  it('refuses a name with one public and one private address', async () => {
    expect(await guard.check('https://split.example.com/')).toMatchObject({ ok: false })
  })

  it('refuses metadata host names without resolving them', async () => {
    const outcome = await guard.check('http://metadata.google.internal/computeMetadata/v1/')
    expect(outcome).toMatchObject({ ok: false, retryable: false })
    expect(!outcome.ok && outcome.reason).toContain('metadata host')
  })

  it('refuses other schemes and credentials', async () => {
    expect(await guard.check('file:///etc/passwd')).toMatchObject({ ok: false })
    expect(await guard.check('gopher://hooks.example.com/')).toMatchObject({ ok: false })
    expect(await guard.check('https://user:pw@hooks.example.com/')).toMatchObject({ ok: false })
    expect(await guard.check('not a url')).toMatchObject({ ok: false })
  })

  it('accepts public destinations and pins the resolved address', async () => {
    expect(await guard.check('https://hooks.example.com/services/T/B/X')).toMatchObject({ ok: true, address: '93.184.216.34', family: 4 })
    expect(await guard.check('https://v6.example.com/')).toMatchObject({ ok: true, family: 6 })
    expect(await guard.check('https://8.8.8.8/')).toMatchObject({ ok: true, address: '8.8.8.8' })
  })

  it('reports an unresolvable name as retryable', async () => {
    expect(await guard.check('https://nowhere.example.com/')).toMatchObject({ ok: false, retryable: true })
  })

  it('accepts allow-listed addresses, ranges and host names', async () => {
    const allowing = createSsrfGuard({ allow: ['127.0.0.1', '10.0.0.0/8', 'receiver.test', 'fd12::/16'], resolve: DNS })
    expect(await allowing.check('http://127.0.0.1:4000/')).toMatchObject({ ok: true, address: '127.0.0.1' })
    expect(await allowing.check('http://127.0.0.2:4000/')).toMatchObject({ ok: false })
    expect(await allowing.check('https://internal.example.com/')).toMatchObject({ ok: true, address: '10.1.2.3' })
    expect(await allowing.check('http://RECEIVER.test.:9999/')).toMatchObject({ ok: true, address: '127.0.0.1' })
    expect(await allowing.check('https://ula.example.com/')).toMatchObject({ ok: true })
    expect(await allowing.check('http://[::ffff:127.0.0.1]/')).toMatchObject({ ok: true })
    expect(await allowing.check('http://169.254.169.254/')).toMatchObject({ ok: false })
  })

  it('refuses a malformed allow-list entry at construction', () => {
    expect(() => createSsrfGuard({ allow: ['10.0.0.0/33'] })).toThrow(/allow-list entry/)
    expect(() => createSsrfGuard({ allow: ['exa mple'] })).toThrow(/allow-list entry/)
  })
})

describe('address helpers', () => {
  it('parses ranges and bare addresses', () => {
    expect(parseRange('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, type: 'ipv4' })
    expect(parseRange('::1')).toEqual({ address: '::1', prefix: 128, type: 'ipv6' })
    expect(parseRange('host.example')).toBeNull()
    expect(parseRange('1.2.3.4/x')).toBeNull()
  })

  it('finds IPv4 inside IPv6', () => {
    expect(embeddedIpv4('::ffff:10.0.0.1')).toBe('10.0.0.1')
    expect(embeddedIpv4('::ffff:7f00:1')).toBe('127.0.0.1')
    expect(embeddedIpv4('64:ff9b::c0a8:1')).toBe('192.168.0.1')
    expect(embeddedIpv4('2002:0a00:0001::')).toBe('10.0.0.1')
    expect(embeddedIpv4('2606:2800:220:1:248:1893:25c8:1946')).toBeNull()
  })
})
