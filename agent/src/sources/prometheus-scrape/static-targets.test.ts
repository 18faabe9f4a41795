import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '@periscope/runtime'
import { loadAgentConfig } from '../../config.ts'
import { staticScrapeTargets } from './static-targets.ts'

let dir = ''
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function load(yaml: string) {
  dir = mkdtempSync(join(tmpdir(), 'agent-scrape-config-'))
  const path = join(dir, 'agent.yaml')
  writeFileSync(path, yaml)
  return loadAgentConfig(['--config', path], { NODE_NAME: 'n' }).config
}

const attributes = (target: { resourceAttributes: Array<{ key: string; value: unknown }> }) =>
  target.resourceAttributes.map((a) => [a.key, (a.value as { value: string }).value])

describe('prometheus_scrape static targets', () => {
  it('reads per-target resourceAttributes from the YAML config; the job stays the service.name', () => {
    const config = load(
      [
        'sources:',
        '  prometheusScrape:',
        '    enabled: true',
        '    targets:',
        '      - url: http://127.0.0.1:9464/metrics',
        '        job: periscope-ingest',
        '        resourceAttributes: { service.namespace: periscope, deployment.environment: demo }',
        '      - url: http://127.0.0.1:9465/metrics',
        '        job: plain',
        '',
      ].join('\n'),
    )
    const targets = staticScrapeTargets(config.sources.prometheusScrape.targets)
    expect(targets.map((t) => [t.url, t.job, attributes(t)])).toEqual([
      ['http://127.0.0.1:9464/metrics', 'periscope-ingest', [['service.name', 'periscope-ingest'], ['service.namespace', 'periscope'], ['deployment.environment', 'demo']]],
      ['http://127.0.0.1:9465/metrics', 'plain', [['service.name', 'plain']]],
    ])
  })

  it('lets a configured service.name win over the job', () => {
    const [target] = staticScrapeTargets([{ url: 'http://x/metrics', job: 'j', resourceAttributes: { 'service.name': 'named' } }])
    expect(attributes(target!)).toEqual([['service.name', 'named']])
  })

  it('refuses non-string attribute values', () => {
    expect(() => load('sources:\n  prometheusScrape:\n    targets:\n      - url: http://x/metrics\n        resourceAttributes: { service.namespace: [a] }\n')).toThrow(ConfigError)
  })
})
