/** Writes an agent YAML config for tests and the benchmark, with fast timings, and loads it. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { loadAgentConfig, type LoadedAgentConfig } from '../config.ts'

type Tree = { [key: string]: unknown }

function merge(base: Tree, extra: Tree): Tree {
  const out: Tree = { ...base }
  for (const [key, value] of Object.entries(extra)) {
    const current = out[key]
    out[key] = value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' ? merge(current as Tree, value as Tree) : value
  }
  return out
}

export function testAgentConfigTree(dataDir: string, collectorUrl: string, extra: Tree = {}): Tree {
  return merge(
    {
      dataDir,
      hostName: 'test-host',
      logLevel: 'warn',
      server: { host: '127.0.0.1', port: 0 },
      collector: {
        endpoint: collectorUrl,
        ingestKey: 'test-key',
        timeoutMs: 2000,
        retry: { initialDelayMs: 20, maxDelayMs: 200 },
        breaker: { failureThreshold: 3, openDurationMs: 200 },
        failureLogIntervalMs: 1000,
      },
      buffer: { maxBytes: 8 * 1024 * 1024, segmentBytes: 256 * 1024 },
      sources: {
        otlpHttp: { enabled: true, retryAfterSeconds: 1 },
        fileTail: { enabled: false, pollIntervalMs: 20, globIntervalMs: 50, orphanIdleMs: 300, startAt: 'beginning', batch: { maxRecords: 200, maxDelayMs: 20 }, multiline: { flushTimeoutMs: 100 } },
        prometheusScrape: { enabled: false },
        hostMetrics: { enabled: false, intervalMs: 200 },
      },
    },
    extra,
  )
}

export function writeTestAgentConfig(dataDir: string, collectorUrl: string, extra: Tree = {}): string {
  mkdirSync(dataDir, { recursive: true })
  const path = join(dataDir, 'agent.yaml')
  writeFileSync(path, stringify(testAgentConfigTree(dataDir, collectorUrl, extra)))
  return path
}

export function loadTestAgentConfig(dataDir: string, collectorUrl: string, extra: Tree = {}): LoadedAgentConfig {
  return loadAgentConfig(['--config', writeTestAgentConfig(dataDir, collectorUrl, extra)], {})
}
