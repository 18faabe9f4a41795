import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '@periscope/runtime'
import { loadAgentConfig } from './config.ts'

let dir = ''
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function file(text: string): string {
  dir = mkdtempSync(join(tmpdir(), 'agent-config-'))
  const path = join(dir, 'agent.yaml')
  writeFileSync(path, text)
  return path
}

describe('agent config', () => {
  it('reads the YAML file, fills defaults, and lets the environment override it', () => {
    const path = file('collector:\n  endpoint: http://collector:4318\n  ingestKey: from-file\nsources:\n  fileTail:\n    enabled: true\n    include: [/var/log/pods/*/*/*.log]\n')
    const { config, hostName } = loadAgentConfig(['--config', path], { PERISCOPE_AGENT_COLLECTOR_INGEST_KEY: 'from-env', NODE_NAME: 'node-7' })
    expect(config.collector).toMatchObject({ endpoint: 'http://collector:4318', ingestKey: 'from-env', compression: 'gzip' })
    expect(config.sources.fileTail).toMatchObject({ enabled: true, include: ['/var/log/pods/*/*/*.log'], startAt: 'end', format: 'auto' })
    expect(config.sources.otlpHttp.enabled).toBe(true)
    expect(config.server.port).toBe(4318)
    expect(config.nodeName).toBe('node-7')
    expect(hostName.length).toBeGreaterThan(0)
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('uses PERISCOPE_INGEST_KEY and the in-cluster API address', () => {
    const path = file('sources:\n  prometheusScrape:\n    enabled: true\n    kubernetes: { enabled: true }\n')
    const loaded = loadAgentConfig(['--config', path], { PERISCOPE_INGEST_KEY: 'platform-key', KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '6443', NODE_NAME: 'n' })
    expect(loaded.config.collector.ingestKey).toBe('platform-key')
    expect(loaded.kubernetesApiUrl).toBe('https://10.0.0.1:6443')
  })

  it('lists every violation at once, unknown keys included', () => {
    const path = file('collector:\n  endpont: http://typo\nbuffer:\n  maxBytes: 10\nsources:\n  fileTail:\n    format: xml\n')
    try {
      loadAgentConfig(['--config', path], {})
      throw new Error('expected a ConfigError')
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      const paths = (error as ConfigError).issues.map((i) => i.path)
      expect(paths).toEqual(expect.arrayContaining(['collector.endpont', 'buffer.maxBytes', 'sources.fileTail.format']))
    }
  })
})
