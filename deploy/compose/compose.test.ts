/**
 * deploy/compose/compose.yaml checked without Docker: it parses (merge keys and all), every
 * reference resolves (build targets in the Dockerfile, depends_on, volumes, mounted files), each
 * Periscope container's environment — `${VAR:-default}` taken at its default — is valid for its
 * service's config schema with the published port being the configured one, and the services
 * point at the Kafka and ClickHouse of the file.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { GENERIC_ENV, IMAGES, loadContainerEnv } from '../lib/images.ts'
import { loadAgentConfig } from '../lib/service-configs.ts'
import { isObject, readYamlDocuments, type YamlObject } from '../lib/yaml-documents.ts'

const HERE = import.meta.dirname
const [compose] = readYamlDocuments(join(HERE, 'compose.yaml'), { merge: true }) as [YamlObject]
const services = compose['services'] as Record<string, YamlObject>
const scratch = mkdtempSync(join(tmpdir(), 'periscope-compose-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** Compose interpolation as used here: ${NAME:-default} and ${NAME}; only defaults in tests. */
export function interpolate(value: string, env: Record<string, string> = {}): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g, (_whole, name: string, fallback: string | undefined) => env[name] ?? fallback ?? '')
}

function environment(service: YamlObject): Record<string, string> {
  const env = (service['environment'] as Record<string, string> | undefined) ?? {}
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(String(v))]))
}

function publishedTargets(service: YamlObject): number[] {
  return ((service['ports'] as string[] | undefined) ?? []).map((p) => Number(String(p).split(':').at(-1)))
}

describe('deploy/compose/compose.yaml', () => {
  it('uses the Kafka 3.9.1 and ClickHouse server images and builds every Periscope service from the Dockerfile', () => {
    expect(services['kafka']?.['image']).toBe('apache/kafka:3.9.1')
    expect(String(services['clickhouse']?.['image'])).toMatch(/^clickhouse\/clickhouse-server:\d+\.\d+/)
    const dockerfile = readFileSync(resolve(HERE, '..', 'docker', 'Dockerfile'), 'utf8')
    const built = Object.entries(services).filter(([, s]) => s['build'] !== undefined)
    expect(built.map(([, s]) => (s['build'] as YamlObject)['target']).sort()).toEqual(IMAGES.map((i) => i.target).sort())
    for (const [name, service] of built) {
      const build = service['build'] as YamlObject
      const context = resolve(HERE, String(build['context']))
      expect(existsSync(join(context, String(build['dockerfile']))), `${name} dockerfile`).toBe(true)
      expect(dockerfile, `${name} target`).toMatch(new RegExp(`^FROM runtime AS ${String(build['target'])}$`, 'm'))
      const spec = IMAGES.find((i) => i.target === build['target'])!
      expect(service['image'], name).toBe(`${spec.image}:0.1.0`)
    }
  })

  it('resolves every depends_on, named volume and mounted file; publishes on 127.0.0.1 only', () => {
    const volumes = Object.keys((compose['volumes'] as YamlObject) ?? {})
    for (const [name, service] of Object.entries(services)) {
      const depends = service['depends_on']
      const names = Array.isArray(depends) ? depends.map(String) : isObject(depends) ? Object.keys(depends) : []
      for (const other of names) expect(services[other], `${name} depends on ${other}`).toBeDefined()
      for (const volume of (service['volumes'] as string[] | undefined) ?? []) {
        const source = volume.split(':')[0]!
        if (source.startsWith('.')) expect(existsSync(resolve(HERE, source)), `${name} mounts ${source}`).toBe(true)
        else expect(volumes, `${name} volume ${source}`).toContain(source)
      }
      for (const port of (service['ports'] as string[] | undefined) ?? []) expect(String(port), `${name} port`).toMatch(/^127\.0\.0\.1:\d+:\d+$/)
    }
  })

  it("gives each Periscope container an environment its service's config schema accepts, with the configured port published", () => {
    for (const [name, service] of Object.entries(services)) {
      const build = service['build'] as YamlObject | undefined
      if (!build) continue
      const spec = IMAGES.find((i) => i.target === build['target'])!
      const env = environment(service)
      if (spec.env.kind === 'schema') {
        const check = spec.env
        expect(Object.keys(env).filter((k) => !k.startsWith(check.prefix + '_') && !GENERIC_ENV.has(k) && !check.alsoRead?.includes(k)), name).toEqual([])
        const config = loadContainerEnv(spec as typeof spec & { env: { kind: 'schema' } }, env) as YamlObject
        if (spec.portPath && service['ports']) {
          let value: unknown = config
          for (const key of spec.portPath) value = (value as YamlObject)[key]
          expect(publishedTargets(service), `${name} publishes ${spec.portPath.join('.')}`).toContain(value)
        }
      } else if (spec.env.kind === 'agent') {
        const command = service['command'] as string[]
        const mount = ((service['volumes'] as string[]) ?? []).find((v) => v.split(':')[1] === command[1])!
        const file = join(scratch, 'agent.yaml')
        writeFileSync(file, readFileSync(resolve(HERE, mount.split(':')[0]!), 'utf8'))
        const { config } = loadAgentConfig(['--config', file], env)
        expect(publishedTargets(service)).toContain(config.server.port)
        expect(config.collector.ingestKey).toBe(env['PERISCOPE_INGEST_KEY'])
        expect(config.collector.endpoint).toBe(`http://collector:${publishedTargets(services['collector']!)[0]}`)
        for (const target of config.sources.prometheusScrape.targets) {
          const host = new URL(target.url).hostname
          expect(host === '127.0.0.1' || services[host] !== undefined, target.url).toBe(true)
          expect(target.job, 'self-telemetry is tagged').toMatch(/^periscope-/)
        }
      } else {
        for (const key of Object.keys(env).filter((k) => !GENERIC_ENV.has(k))) expect(spec.env.names, `${name} ${key}`).toContain(key)
      }
    }
  })

  it('points the services at the Kafka and ClickHouse of this file, with one set of credentials', () => {
    const kafka = environment(services['kafka']!)
    const advertised = kafka['KAFKA_ADVERTISED_LISTENERS']!.replace(/^PLAINTEXT:\/\//, '')
    const clickhouse = environment(services['clickhouse']!)
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(environment(service))) {
        if (key.endsWith('_BUS_BROKERS')) expect(value, `${name} ${key}`).toBe(advertised)
        if (key.endsWith('_STORE_URL')) expect(value, `${name} ${key}`).toBe('http://clickhouse:8123')
        if (key.endsWith('_STORE_USERNAME')) expect(value, `${name} ${key}`).toBe(clickhouse['CLICKHOUSE_USER'])
        if (key.endsWith('_STORE_PASSWORD')) expect(value, `${name} ${key}`).toBe(clickhouse['CLICKHOUSE_PASSWORD'])
        if (key === 'PERISCOPE_UI_API_TOKEN') expect(value).toBe(environment(services['bootstrap']!)['PERISCOPE_ADMIN_TOKEN'])
        if (key === 'PERISCOPE_INGEST_KEY') expect(value).toBe(environment(services['bootstrap']!)['PERISCOPE_INGEST_KEY'])
      }
    }
  })

  it('interpolates like compose', () => {
    expect(interpolate('${A:-x}-${B}-${C-y}', { B: 'b' })).toBe('x-b-y')
  })
})
