import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Type } from 'typebox'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { ConfigError, loadConfig, loadConfigOrExit, type ConfigIssue } from './load-config.ts'

const dir = mkdtempSync(join(tmpdir(), 'periscope-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function writeFile(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const StoreSchema = Type.Union(
  [
    Type.Object({ mode: Type.Literal('embedded'), path: Type.String({ default: './data' }) }),
    Type.Object({ mode: Type.Literal('server'), url: Type.String(), username: Type.Optional(Type.String()), password: Type.Optional(Type.String()) }),
  ],
  { default: { mode: 'embedded', path: './data' } },
)

const Schema = Type.Object({
  server: Type.Object({
    host: Type.String({ default: '127.0.0.1' }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 4318 }),
  }),
  limits: Type.Object({
    maxBodyBytes: Type.Integer({ minimum: 1024, default: 4_194_304, description: 'largest request body accepted' }),
    ratePerSecond: Type.Number({ exclusiveMinimum: 0, default: 1000 }),
  }),
  tls: Type.Boolean({ default: false }),
  level: Type.Union([Type.Literal('info'), Type.Literal('debug'), Type.Literal('warn')], { default: 'info' }),
  brokers: Type.Array(Type.String(), { default: ['localhost:9092'] }),
  ports: Type.Array(Type.Integer(), { default: [] }),
  tags: Type.Record(Type.String(), Type.String(), { default: {} }),
  name: Type.Optional(Type.String({ minLength: 1 })),
  store: StoreSchema,
})

const base = { env: {}, envPrefix: 'PERISCOPE_TEST' } as const

function issuesOf(run: () => unknown): ConfigIssue[] {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return [...(error as ConfigError).issues]
  }
  throw new Error('expected a ConfigError')
}

describe('loadConfig precedence', () => {
  it('fills every default when nothing is given, including nested sections and union defaults', () => {
    expect(loadConfig(Schema, base)).toEqual({
      server: { host: '127.0.0.1', port: 4318 },
      limits: { maxBodyBytes: 4_194_304, ratePerSecond: 1000 },
      tls: false,
      level: 'info',
      brokers: ['localhost:9092'],
      ports: [],
      tags: {},
      store: { mode: 'embedded', path: './data' },
    })
  })

  it('layers defaults < YAML file < env < overrides, key by key', () => {
    const file = writeFile('layers.yaml', 'server:\n  host: 0.0.0.0\n  port: 5000\nlimits:\n  maxBodyBytes: 2048\nlevel: debug\n')
    const config = loadConfig(Schema, {
      ...base,
      file,
      env: { PERISCOPE_TEST_SERVER_PORT: '6000', PERISCOPE_TEST_LEVEL: 'warn' },
      overrides: { level: 'info', server: { host: undefined } },
    })
    expect(config.server).toEqual({ host: '0.0.0.0', port: 6000 })
    expect(config.limits).toEqual({ maxBodyBytes: 2048, ratePerSecond: 1000 })
    expect(config.level).toBe('info')
  })

  it('reads JSON files by extension', () => {
    const file = writeFile('c.json', JSON.stringify({ server: { port: 7000 }, tls: true }))
    const config = loadConfig(Schema, { ...base, file })
    expect(config.server.port).toBe(7000)
    expect(config.tls).toBe(true)
  })

  it('treats an empty file and empty env variables as setting nothing', () => {
    const file = writeFile('empty.yaml', '')
    const config = loadConfig(Schema, { ...base, file, env: { PERISCOPE_TEST_SERVER_PORT: '' } })
    expect(config.server.port).toBe(4318)
  })
})

describe('loadConfig env mapping and coercion', () => {
  it('maps camelCase key paths to PREFIX_SECTION_KEY and parses by schema type', () => {
    const config = loadConfig(Schema, {
      env: {
        PERISCOPE_TEST_LIMITS_MAX_BODY_BYTES: '8192',
        PERISCOPE_TEST_LIMITS_RATE_PER_SECOND: '2.5',
        PERISCOPE_TEST_TLS: '1',
        PERISCOPE_TEST_BROKERS: 'a:9092, b:9092',
        PERISCOPE_TEST_PORTS: '[1, 2]',
        PERISCOPE_TEST_TAGS: '{"team":"obs"}',
        OTHER_VAR: 'ignored',
      },
      envPrefix: 'PERISCOPE_TEST_',
    })
    expect(config.limits).toEqual({ maxBodyBytes: 8192, ratePerSecond: 2.5 })
    expect(config.tls).toBe(true)
    expect(config.brokers).toEqual(['a:9092', 'b:9092'])
    expect(config.ports).toEqual([1, 2])
    expect(config.tags).toEqual({ team: 'obs' })
  })

  it('parses booleans from true/false/1/0 only', () => {
    for (const [raw, expected] of [['true', true], ['FALSE', false], ['0', false], ['1', true]] as const) {
      expect(loadConfig(Schema, { ...base, env: { PERISCOPE_TEST_TLS: raw } }).tls).toBe(expected)
    }
    const issues = issuesOf(() => loadConfig(Schema, { ...base, env: { PERISCOPE_TEST_TLS: 'yes' } }))
    expect(issues).toEqual([expect.objectContaining({ path: 'tls', value: 'yes', source: 'env PERISCOPE_TEST_TLS', problem: 'expected a boolean (true or false)' })])
  })

  it('parses comma lists of numbers for integer arrays', () => {
    expect(loadConfig(Schema, { ...base, env: { PERISCOPE_TEST_PORTS: '80,443' } }).ports).toEqual([80, 443])
  })

  it('selects the union variant named by the discriminator, from env alone', () => {
    const config = loadConfig(Schema, {
      ...base,
      env: { PERISCOPE_TEST_STORE_MODE: 'server', PERISCOPE_TEST_STORE_URL: 'http://ch:8123', PERISCOPE_TEST_STORE_USERNAME: 'u' },
    })
    expect(config.store).toEqual({ mode: 'server', url: 'http://ch:8123', username: 'u' })
  })

  it('keeps the union default under a partial value of the same variant', () => {
    expect(loadConfig(Schema, { ...base, env: { PERISCOPE_TEST_STORE_PATH: '/var/lib/p' } }).store).toEqual({ mode: 'embedded', path: '/var/lib/p' })
  })

  it('rejects a key of another union variant', () => {
    const file = writeFile('mixed.yaml', 'store:\n  mode: server\n  url: http://x\n  path: /data\n')
    const issues = issuesOf(() => loadConfig(Schema, { ...base, file }))
    expect(issues).toEqual([expect.objectContaining({ path: 'store.path', value: '/data', problem: 'is not a known setting' })])
  })

  it('reports a discriminator that names no variant with the choices', () => {
    const issues = issuesOf(() => loadConfig(Schema, { ...base, env: { PERISCOPE_TEST_STORE_MODE: 'cloud' } }))
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({ path: 'store.mode', value: 'cloud', source: 'env PERISCOPE_TEST_STORE_MODE' })
    expect(issues[0]?.fix).toContain('"embedded", "server"')
  })
})

describe('loadConfig errors', () => {
  it('lists every violation at once with path, value, source and fix', () => {
    const file = writeFile('bad.yaml', 'server:\n  port: 70000\n  hots: x\nlimits:\n  maxBodyBytes: 10\nname: ""\nextra: 1\n')
    const error = (() => {
      try {
        loadConfig(Schema, { ...base, file, env: { PERISCOPE_TEST_LEVEL: 'loud', PERISCOPE_TEST_LIMTS_RATE: '1', PERISCOPE_TEST_PORTS: '[1,' } })
      } catch (e) {
        return e as ConfigError
      }
      throw new Error('expected a ConfigError')
    })()
    const byPath = new Map(error.issues.map((i) => [i.path || i.source, i]))
    expect([...byPath.keys()].sort()).toEqual(
      ['env PERISCOPE_TEST_LIMTS_RATE', 'extra', 'level', 'limits.maxBodyBytes', 'name', 'ports', 'server.hots', 'server.port'].sort(),
    )
    expect(byPath.get('server.port')).toMatchObject({ value: 70000, source: `file ${file}`, problem: 'is above the maximum 65535' })
    expect(byPath.get('server.port')?.fix).toBe('set it to 65535 or less (in the config file, or env PERISCOPE_TEST_SERVER_PORT)')
    expect(byPath.get('limits.maxBodyBytes')).toMatchObject({ value: 10, problem: 'is below the minimum 1024', description: 'largest request body accepted' })
    expect(byPath.get('server.hots')?.fix).toBe('did you mean server.host? Otherwise remove it')
    expect(byPath.get('level')).toMatchObject({ value: 'loud', source: 'env PERISCOPE_TEST_LEVEL', problem: 'expected one of "info", "debug", "warn"' })
    expect(byPath.get('name')?.problem).toBe('is shorter than the minimum length 1')
    expect(byPath.get('ports')?.problem).toMatch(/^is not valid JSON/)
    expect(byPath.get('env PERISCOPE_TEST_LIMTS_RATE')?.problem).toBe('starts with PERISCOPE_TEST_ but names no setting')
    // The message carries every issue, so printing it alone is enough for an operator.
    expect(error.message.split('\n')).toHaveLength(1 + 8)
    expect(error.message).toContain('server.port = 70000 from file')
    expect(error.code).toBe('PERISCOPE_ERR_RUNTIME_CONFIG_INVALID')
  })

  it('suggests the nearest env name for a typo', () => {
    const issues = issuesOf(() => loadConfig(Schema, { ...base, env: { PERISCOPE_TEST_SERVER_PROT: '1' } }))
    expect(issues[0]?.fix).toBe('did you mean PERISCOPE_TEST_SERVER_PORT? Otherwise unset it')
  })

  it('accepts ignored variables under the prefix', () => {
    expect(() => loadConfig(Schema, { ...base, env: { PERISCOPE_TEST_INGEST_KEY: 'k' }, ignoreEnv: ['PERISCOPE_TEST_INGEST_KEY'] })).not.toThrow()
  })

  it('reports a missing required key with the env variable that sets it', () => {
    const issues = issuesOf(() => loadConfig(Schema, { ...base, env: { PERISCOPE_TEST_STORE_MODE: 'server' } }))
    expect(issues).toEqual([
      { path: 'store.url', value: undefined, source: 'not set', problem: 'is required but not set', fix: 'set it to a string (in the config file, or env PERISCOPE_TEST_STORE_URL)', description: undefined },
    ])
  })

  it('never prints secret values', () => {
    const error = (() => {
      try {
        loadConfig(Schema, { ...base, overrides: { store: { mode: 'server', url: 'http://x', password: 42 as unknown as string } } })
      } catch (e) {
        return e as ConfigError
      }
      throw new Error('expected a ConfigError')
    })()
    expect(error.issues[0]).toMatchObject({ path: 'store.password', value: '<redacted>' })
    expect(error.message).not.toContain('42')
  })

  it('reports a missing file and a malformed file', () => {
    expect(issuesOf(() => loadConfig(Schema, { ...base, file: join(dir, 'nope.yaml') }))[0]?.problem).toContain('does not exist')
    const broken = writeFile('broken.yaml', 'server: [1,\n')
    expect(issuesOf(() => loadConfig(Schema, { ...base, file: broken }))[0]?.problem).toContain('is not valid YAML')
    const list = writeFile('list.yaml', '- 1\n- 2\n')
    expect(issuesOf(() => loadConfig(Schema, { ...base, file: list }))[0]?.problem).toContain('not a list')
  })

  it('throws for a schema where two keys would share one env variable', () => {
    const Clash = Type.Object({ a: Type.Object({ bC: Type.String() }), aB: Type.Object({ c: Type.String() }) })
    expect(() => loadConfig(Clash, base)).toThrow(/both map to env PERISCOPE_TEST_A_B_C/)
  })
})

describe('loadConfig result', () => {
  it('is deep-frozen', () => {
    const config = loadConfig(Schema, base)
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.server)).toBe(true)
    expect(Object.isFrozen(config.brokers)).toBe(true)
    expect(() => {
      ;(config.server as { port: number }).port = 1
    }).toThrow(TypeError)
  })

  it('does not share default objects with the schema', () => {
    const a = loadConfig(Schema, base)
    expect(a.brokers).not.toBe((Schema.properties.brokers as unknown as { default: unknown }).default)
    expect(Object.isFrozen((Schema.properties.brokers as unknown as { default: unknown }).default)).toBe(false)
  })

  it('passes cross-field warnings to onWarning after validation', () => {
    const seen: string[] = []
    loadConfig(Schema, {
      ...base,
      env: { PERISCOPE_TEST_SERVER_HOST: '0.0.0.0' },
      warnings: (c) => (c.server.host === '0.0.0.0' && !c.tls ? ['server.host 0.0.0.0 without tls exposes ingest keys in clear text; set tls: true or bind 127.0.0.1'] : []),
      onWarning: (m) => seen.push(m),
    })
    expect(seen).toEqual(['server.host 0.0.0.0 without tls exposes ingest keys in clear text; set tls: true or bind 127.0.0.1'])
  })
})

describe('loadConfigOrExit', () => {
  it('prints every problem and exits 1', () => {
    let printed = ''
    const exit = vi.fn()
    expect(() =>
      loadConfigOrExit(Schema, { ...base, env: { PERISCOPE_TEST_TLS: 'maybe', PERISCOPE_TEST_SERVER_PORT: '0' }, stderr: { write: (t: string) => (printed += t) }, exit }),
    ).toThrow(ConfigError)
    expect(exit).toHaveBeenCalledWith(1)
    expect(printed).toContain('invalid configuration (2 problems)')
    expect(printed).toContain('tls = "maybe" from env PERISCOPE_TEST_TLS')
    expect(printed).toContain('server.port = 0 from env PERISCOPE_TEST_SERVER_PORT: is below the minimum 1')
  })

  it('returns the config and prints warnings when valid', () => {
    let printed = ''
    const config = loadConfigOrExit(Schema, { ...base, warnings: () => ['watch out'], stderr: { write: (t: string) => (printed += t) }, exit: () => undefined })
    expect(config.server.port).toBe(4318)
    expect(printed).toBe('config warning: watch out\n')
  })
})

describe('loadConfig schema shapes', () => {
  it('applies defaults inside record entries', () => {
    const S = Type.Object({
      tenants: Type.Record(Type.String(), Type.Object({ rate: Type.Number(), burstSeconds: Type.Number({ default: 2 }) }), { default: {} }),
    })
    const config = loadConfig(S, { ...base, env: { PERISCOPE_TEST_TENANTS: '{"acme":{"rate":10}}' } })
    expect(config.tenants).toEqual({ acme: { rate: 10, burstSeconds: 2 } })
  })

  it('asks for the discriminator when a required union is missing', () => {
    const S = Type.Object({ store: Type.Union([Type.Object({ mode: Type.Literal('embedded') }), Type.Object({ mode: Type.Literal('server'), url: Type.String() })]) })
    expect(issuesOf(() => loadConfig(S, base))).toEqual([
      {
        path: 'store.mode',
        value: undefined,
        source: 'not set',
        problem: 'is required to choose the kind of store',
        fix: 'set it to one of "embedded", "server" (in the config file, or env PERISCOPE_TEST_STORE_MODE)',
        description: undefined,
      },
    ])
  })

  it('walks intersections, including a union intersected with shared settings', () => {
    const S = Type.Object({
      store: Type.Intersect([
        Type.Union([Type.Object({ mode: Type.Literal('embedded'), path: Type.String() }), Type.Object({ mode: Type.Literal('server'), url: Type.String() })]),
        Type.Object({ ttlDays: Type.Integer({ minimum: 0, default: 7 }) }),
      ]),
    })
    const config = loadConfig(S, { ...base, env: { PERISCOPE_TEST_STORE_MODE: 'server', PERISCOPE_TEST_STORE_URL: 'http://x', PERISCOPE_TEST_STORE_TTL_DAYS: '3' } })
    expect(config.store).toEqual({ mode: 'server', url: 'http://x', ttlDays: 3 })
    expect(loadConfig(S, { ...base, overrides: { store: { mode: 'embedded', path: '/d' } } }).store).toEqual({ mode: 'embedded', path: '/d', ttlDays: 7 })
    const issues = issuesOf(() => loadConfig(S, { ...base, overrides: { store: { mode: 'embedded', path: '/d', ttlDays: -1, url: 'x' } as never } }))
    expect(issues.map((i) => `${i.path}: ${i.problem}`).sort()).toEqual(['store.ttlDays: is below the minimum 0', 'store.url: is not a known setting'])
  })

  it('validates arrays of objects item by item', () => {
    const S = Type.Object({ targets: Type.Array(Type.Object({ url: Type.String(), intervalMs: Type.Integer({ minimum: 1000, default: 15000 }) }), { default: [], maxItems: 2 }) })
    const file = writeFile('targets.yaml', 'targets:\n  - url: http://a/metrics\n  - url: http://b/metrics\n    intervalMs: 10\n    labels: {}\n')
    const issues = issuesOf(() => loadConfig(S, { ...base, file }))
    expect(issues.map((i) => `${i.path}: ${i.problem}`).sort()).toEqual(['targets[1].intervalMs: is below the minimum 1000', 'targets[1].labels: is not a known setting'])
    const ok = writeFile('targets-ok.yaml', 'targets:\n  - url: http://a/metrics\n')
    expect(loadConfig(S, { ...base, file: ok }).targets).toEqual([{ url: 'http://a/metrics', intervalMs: 15000 }])
  })
})

