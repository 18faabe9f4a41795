import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError } from '@periscope/runtime'
import { loadAgentConfig } from '../lib/service-configs.ts'
import { agentConfig, agentConfigYaml, SELF_JOB_PREFIX } from './agent-config.ts'
import { banner, maskSecret } from './banner.ts'
import { loadAllInOneConfig, UsageError } from './config.ts'
import type { CredentialsOutcome } from './credentials.ts'
import { shopLaunch } from './shop.ts'
import { uiBuildNeeded } from './ui-build.ts'

const scratch = mkdtempSync(join(tmpdir(), 'periscope-all-in-one-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('launcher configuration', () => {
  it('defaults to ./data, the local log, the documented ports and everything on', () => {
    const config = loadAllInOneConfig([], {}, '/work/here')
    expect(config.dataDir).toBe('/work/here/data')
    expect(config.bus).toEqual({ kind: 'local', dir: '/work/here/data/bus' })
    expect(config.settings.ports).toEqual({ collector: 4318, api: 8080, ingest: 8081, ui: 3000, agent: 4319, shopBase: 7000, shopMetricsBase: 7100 })
    expect(config.settings).toMatchObject({ demo: true, ui: true, agent: true, host: '127.0.0.1' })
    // the three services share one embedded store and one bus
    expect(config.collector.store).toMatchObject({ mode: 'embedded', path: '/work/here/data/clickhouse' })
    expect(config.ingest.store).toEqual(config.collector.store)
    expect(config.queryApi.store).toEqual(config.collector.store)
    expect(config.ingest.bus).toMatchObject(config.bus)
    expect(config.collector.bus).toMatchObject(config.bus)
    expect(config.collector.http).toMatchObject({ host: '127.0.0.1', port: 4318 })
    expect(config.queryApi.http).toMatchObject({ host: '127.0.0.1', port: 8080 })
  })

  it('takes flags over env over defaults, and --kafka selects the broker of deploy/kafka', () => {
    const env = { PERISCOPE_DATA_DIR: '/from-env', PERISCOPE_ALL_IN_ONE_PORTS_API: '9000', PERISCOPE_ALL_IN_ONE_DEMO: 'false' }
    const config = loadAllInOneConfig(['--no-ui', '--no-agent', '--kafka', '--api-port', '9100', '--shop-port-base', '17000'], env, '/x')
    expect(config.dataDir).toBe('/from-env')
    expect(config.settings).toMatchObject({ ui: false, agent: false, demo: false, bus: 'kafka' })
    expect(config.settings.ports).toMatchObject({ api: 9100, shopBase: 17000 })
    expect(config.bus).toMatchObject({ kind: 'kafka', brokers: ['127.0.0.1:39092'] })
    expect(loadAllInOneConfig(['--data-dir', 'mine'], env, '/x').dataDir).toBe('/x/mine')
    expect(loadAllInOneConfig([], { PERISCOPE_ALL_IN_ONE_PORTS_API: '9000' }, '/x').settings.ports.api).toBe(9000)
  })

  it("passes the services' own settings through, and keeps the platform-wide variables out of their way", () => {
    const config = loadAllInOneConfig([], { PERISCOPE_INGEST_BATCH_MAX_ROWS: '777', PERISCOPE_INGEST_KEY: 'an-operator-ingest-key', PERISCOPE_ADMIN_TOKEN: 'an-operator-admin-token', PERISCOPE_QUERY_API_URL: 'http://x' }, '/x')
    expect(config.ingest.batch.maxRows).toBe(777)
    expect(config.secrets).toEqual({ ingestKey: 'an-operator-ingest-key', adminToken: 'an-operator-admin-token' })
  })

  it('refuses unknown flags and bad values, naming them', () => {
    expect(() => loadAllInOneConfig(['--no-dmeo'], {}, '/x')).toThrow(UsageError)
    expect(() => loadAllInOneConfig(['--ui-port', '70000'], {}, '/x')).toThrow(/--ui-port 70000/)
    expect(() => loadAllInOneConfig([], { PERISCOPE_ALL_IN_ONE_PORTZ_UI: '1' }, '/x')).toThrow(ConfigError)
    expect(() => loadAllInOneConfig([], { PERISCOPE_COLLECTOR_LIMITS_DEFAULTS_BYTES_PER_SECOND: '-1' }, '/x')).toThrow(/bytesPerSecond/)
  })
})

describe("the agent's config in the all-in-one", () => {
  const options = { host: '127.0.0.1', dataDir: '/d', agentDir: '/d/agent', ports: { collector: 4318, api: 8080, ingest: 8081, agent: 4319, shopMetricsBase: 7100 }, demo: true, shopLogDir: '/d/shop-logs', scrapeIntervalMs: 10_000 }

  it('is valid for the agent, tails only the demo logs, and scrapes the platform under the periscope- tag', () => {
    const file = join(scratch, 'agent.yaml')
    writeFileSync(file, agentConfigYaml(options))
    const { config } = loadAgentConfig(['--config', file], { PERISCOPE_AGENT_COLLECTOR_INGEST_KEY: 'k'.repeat(20) })
    expect(config.server).toEqual({ host: '127.0.0.1', port: 4319 })
    expect(config.collector.endpoint).toBe('http://127.0.0.1:4318')
    expect(config.sources.fileTail).toMatchObject({ enabled: true, include: ['/d/shop-logs/*.log'] })
    const targets = config.sources.prometheusScrape.targets
    expect(targets.filter((t) => t.job.startsWith(SELF_JOB_PREFIX)).map((t) => t.url)).toEqual([
      'http://127.0.0.1:4318/metrics',
      'http://127.0.0.1:8081/metrics',
      'http://127.0.0.1:8080/metrics',
      'http://127.0.0.1:4319/metrics',
    ])
    for (const target of targets.filter((t) => t.job.startsWith(SELF_JOB_PREFIX))) expect(target.resourceAttributes).toEqual({ 'service.namespace': 'periscope' })
    expect(targets.filter((t) => !t.job.startsWith(SELF_JOB_PREFIX))).toEqual([
      { url: 'http://127.0.0.1:7101/metrics', job: 'frontend', resourceAttributes: {} },
      { url: 'http://127.0.0.1:7102/metrics', job: 'checkout', resourceAttributes: {} },
      { url: 'http://127.0.0.1:7103/metrics', job: 'payment', resourceAttributes: {} },
      { url: 'http://127.0.0.1:7104/metrics', job: 'inventory', resourceAttributes: {} },
    ])
  })

  it("never tails the platform's own logs (no amplification loop)", () => {
    for (const demo of [true, false]) {
      const include = (agentConfig({ ...options, demo }).sources as { fileTail: { include: string[] } }).fileTail.include
      for (const pattern of include) expect(pattern.startsWith('/d/logs')).toBe(false)
      expect(include.every((p) => p.startsWith('/d/shop-logs/'))).toBe(true)
    }
  })

  it('runs the shop on the configured ports, exporting to the agent', () => {
    const launch = shopLaunch({ host: '127.0.0.1', shopBase: 7000, shopMetricsBase: 7100, agentPort: 4319, logDir: '/d/shop-logs', loadRatePerSecond: 4 })
    expect(launch.env).toMatchObject({ SHOP_FRONTEND_PORT: '7001', SHOP_INVENTORY_PORT: '7004', SHOP_METRICS_PORT_BASE: '7100' })
    expect(launch.args).toContain('--endpoint=http://127.0.0.1:4319')
    expect(launch.args).toContain('--log-dir=/d/shop-logs')
    expect(launch.frontendUrl).toBe('http://127.0.0.1:7001')
  })
})

describe('the banner and the UI build decision', () => {
  const credentials = (origin: 'generated' | 'stored'): CredentialsOutcome => ({
    tenantId: 'default',
    ingestKey: 'psk_0123456789abcdef_SECRETSECRETSECRETSECRETSECRETSECRETSECRETS',
    adminToken: 'pqt_fedcba9876543210_SECRETSECRETSECRETSECRETSECRETSECRETSECRETS',
    origin: { ingestKey: origin, adminToken: origin },
    stored: { version: 1, tenantId: 'default', provisioned: [] },
    changed: origin === 'generated',
  })
  const input = { host: '127.0.0.1', ports: { collector: 4318, api: 8080, ui: 3000, agent: 4319 }, ui: true, agent: true, demo: undefined, bus: 'local', dataDir: '/d', logDir: '/d/logs', credentialsFile: '/d/credentials.json' }

  it('prints the UI address and shows generated secrets in full only once', () => {
    const first = banner({ ...input, credentials: credentials('generated') })
    expect(first).toContain('http://127.0.0.1:3000')
    expect(first).toContain(credentials('generated').adminToken)
    const later = banner({ ...input, credentials: credentials('stored') })
    expect(later).not.toContain('SECRET')
    expect(later).toContain('pqt_fedcba9876543210_…')
    expect(maskSecret('my-own-long-operator-token')).toBe('my-o…')
  })

  it('builds the UI when there is no build or a source is newer than it', () => {
    const ui = join(scratch, 'ui')
    const src = join(ui, 'src')
    rmSync(ui, { recursive: true, force: true })
    expect(uiBuildNeeded(ui)).toMatchObject({ needed: true, reason: 'no build yet' })
    for (const d of [src, join(ui, '.next')]) rmSync(d, { recursive: true, force: true })
    mkdirs(src, join(ui, '.next'))
    writeFileSync(join(src, 'page.tsx'), 'x')
    writeFileSync(join(ui, '.next', 'BUILD_ID'), 'b')
    const past = new Date(Date.now() - 60_000)
    utimes(join(src, 'page.tsx'), past)
    expect(uiBuildNeeded(ui).needed).toBe(false)
    utimes(join(src, 'page.tsx'), new Date(Date.now() + 60_000))
    expect(uiBuildNeeded(ui)).toMatchObject({ needed: true })
  })
})

function mkdirs(...dirs: string[]): void {
  for (const d of dirs) mkdirSync(d, { recursive: true })
}
function utimes(path: string, when: Date): void {
  utimesSync(path, when, when)
}
