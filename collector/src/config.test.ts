import { describe, expect, it } from 'vitest'
import { ConfigError } from '@periscope/runtime'
import { loadCollectorConfig } from './config.ts'

const BASE = {
  PERISCOPE_COLLECTOR_BUS_KIND: 'local',
  PERISCOPE_COLLECTOR_BUS_DIR: '/tmp/periscope-bus',
  PERISCOPE_COLLECTOR_STORE_MODE: 'embedded',
  PERISCOPE_COLLECTOR_STORE_PATH: '/tmp/periscope-store',
}

describe('loadCollectorConfig', () => {
  it('fills defaults: port 4318, 16 MiB bodies, truncation, 30 s key cache', () => {
    const config = loadCollectorConfig(BASE)
    expect(config.http).toMatchObject({ port: 4318, maxBodyBytes: 16 << 20 })
    expect(config.items.onLimit).toBe('truncate')
    expect(config.keys.cacheTtlMs).toBe(30_000)
    expect(config.bus).toMatchObject({ kind: 'local', dir: '/tmp/periscope-bus' })
    expect(Object.isFrozen(config.limits)).toBe(true)
  })

  it('reads per-tenant limits and item rules from the environment', () => {
    const config = loadCollectorConfig({
      ...BASE,
      PERISCOPE_COLLECTOR_HTTP_PORT: '14318',
      PERISCOPE_COLLECTOR_ITEMS_ON_LIMIT: 'reject',
      PERISCOPE_COLLECTOR_LIMITS_TENANTS: JSON.stringify({ acme: { bytesPerSecond: 1000, itemsPerSecond: 10 } }),
    })
    expect(config.http.port).toBe(14318)
    expect(config.items.onLimit).toBe('reject')
    expect(config.limits.tenants.acme).toEqual({ bytesPerSecond: 1000, itemsPerSecond: 10, burstSeconds: 2 })
  })

  it('refuses a key cache TTL above 60 s and lists every problem at once', () => {
    let error: unknown
    try {
      loadCollectorConfig({ ...BASE, PERISCOPE_COLLECTOR_KEYS_CACHE_TTL_MS: '120000', PERISCOPE_COLLECTOR_HTTP_PORT: '-1' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const paths = (error as ConfigError).issues.map((i) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['keys.cacheTtlMs', 'http.port']))
  })
})
