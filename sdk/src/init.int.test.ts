/**
 * init() never breaks its host: bad configuration becomes warnings and defaults, an unreachable
 * endpoint costs counted drops but no request, a taken /metrics port or an unwritable log file
 * is a warning. In-process, against real loopback sockets.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { trace } from '@opentelemetry/api'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { promSample } from '../test/helpers/prometheus-text.ts'
import { startOtlpCapture } from '../test/helpers/otlp-capture.ts'
import { eventually, freePort } from '../test/helpers/processes.ts'
import { init, type Periscope } from './init.ts'
import { withRequestId } from './request-id.ts'

const dir = mkdtempSync(join(tmpdir(), 'periscope-sdk-init-'))
let current: Periscope | undefined
afterEach(async () => {
  await current?.shutdown()
  current = undefined
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function lines(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` }
}

describe('init() with bad configuration', () => {
  it('warns about every bad value, starts with defaults and keeps logging', async () => {
    const logFile = join(dir, 'bad-config.log')
    const bad = {
      serviceName: 42,
      endpoint: 'ftp://nowhere',
      sampleRatio: 'all',
      logLevel: 'chatty',
      latencyBucketsSeconds: 'fast',
      instrumentations: { telepathy: true },
      logFile,
      logToStdout: false,
      metricsPort: 0,
      handleSignals: false,
    } as unknown as Parameters<typeof init>[0]
    expect(() => (current = init(bad, {}))).not.toThrow()
    const sdk = current!
    expect(sdk.config.serviceName).toBe('unknown_service:node')
    expect(sdk.config.sampleRatio).toBe(1)
    sdk.logger.info('still logging')
    await sdk.shutdown()
    const all = lines(logFile)
    const warnings = all.filter((l) => l.levelName === 'warn').map((l) => String(l.msg))
    for (const fragment of ['option serviceName', 'option endpoint', 'option sampleRatio', 'option logLevel', 'option latencyBucketsSeconds', "'telepathy'"]) {
      expect(warnings.some((w) => w.includes(fragment)), fragment).toBe(true)
    }
    expect(all.some((l) => l.msg === 'still logging')).toBe(true)
  })

  it('returns a working instance even when the options are not an object', () => {
    expect(() => (current = init(null as unknown as Parameters<typeof init>[0], { OTEL_SDK_DISABLED: 'true', PERISCOPE_LOG_STDOUT: 'false', PERISCOPE_METRICS_PORT: '0' }))).not.toThrow()
    expect(current!.tracing).toBe(false)
    expect(() => current!.logger.info('ok')).not.toThrow()
  })

  it('warns when the /metrics port is taken and when the log file cannot be opened', async () => {
    const taken = await listen((_req, res) => res.end())
    const port = Number(new URL(taken.url).port)
    const goodLog = join(dir, 'port-taken.log')
    current = init({ serviceName: 'p', metricsPort: port, metricsHost: '127.0.0.1', logFile: goodLog, logToStdout: false, handleSignals: false, tracing: false }, {})
    expect(await current.metricsPort).toBeUndefined()
    await current.shutdown()
    taken.server.close()
    expect(lines(goodLog).some((l) => l.levelName === 'warn' && String(l.msg).includes('/metrics server could not listen'))).toBe(true)

    const blocker = join(dir, 'a-file')
    writeFileSync(blocker, '')
    current = init({ serviceName: 'f', logFile: join(blocker, 'x.log'), logToStdout: false, metricsPort: 0, handleSignals: false, tracing: false }, {})
    current.logger.info('lost line')
    await eventually(async () => {
      const text = await current!.metrics.text()
      const dropped = promSample(text, 'periscope_sdk_log_lines_dropped_total', { service: 'f' })
      return dropped !== undefined && dropped > 0 ? dropped : undefined
    }, 'a dropped log line')
  })
})

describe('init() exports', () => {
  const cases = [
    { protocol: 'http/protobuf', options: {}, env: {}, contentType: 'application/x-protobuf', encoding: '' },
    { protocol: 'http/protobuf', options: { compression: 'gzip' }, env: {}, contentType: 'application/x-protobuf', encoding: 'gzip' },
    { protocol: 'http/protobuf', options: {}, env: { OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip' }, contentType: 'application/x-protobuf', encoding: 'gzip' },
    { protocol: 'http/json', options: {}, env: {}, contentType: 'application/json', encoding: '' },
    { protocol: 'http/json', options: { compression: 'gzip' }, env: {}, contentType: 'application/json', encoding: 'gzip' },
  ] as const
  for (const c of cases) {
    it(`${c.protocol}, compression ${c.encoding || 'none'} (${Object.keys(c.env).join(' ') || 'options'}): spans with their request id and parent arrive`, async () => {
      const capture = await startOtlpCapture()
      current = init(
        { serviceName: 'encodings', endpoint: capture.url, protocol: c.protocol, ...c.options, logToStdout: false, metricsPort: 0, handleSignals: false },
        c.env,
      )
      const tracer = trace.getTracer('test')
      withRequestId('req-enc', () =>
        tracer.startActiveSpan('parent', (parent) => {
          tracer.startSpan('child', { attributes: { n: 1 } }).end()
          parent.end()
        }),
      )
      await current.forceFlush()
      const spans = await capture.waitFor((s) => s.length === 2)
      const parent = spans.find((s) => s.name === 'parent')!
      const child = spans.find((s) => s.name === 'child')!
      expect(child.parentSpanId).toBe(parent.spanId)
      expect(child.traceId).toBe(parent.traceId)
      expect(child.attributes).toEqual({ n: 1, request_id: 'req-enc' })
      expect(parent.service).toBe('encodings')
      expect(capture.contentTypes.every((t) => t.startsWith(c.contentType))).toBe(true)
      expect(capture.contentEncodings.every((e) => e === c.encoding)).toBe(true)
      await current.shutdown()
      current = undefined
      await capture.close()
    })
  }
})

describe('init() with the agent down or hung', () => {
  /** Starts the SDK against `endpoint`, makes 40 requests, returns their statuses and the SDK's metrics. */
  async function requestsAgainst(endpoint: string, service: string): Promise<{ statuses: number[]; elapsedMs: number; metricsUrl: string }> {
    const metricsPort = await freePort()
    current = init(
      {
        serviceName: service,
        endpoint,
        maxQueueSize: 8,
        maxExportBatchSize: 4,
        scheduledDelayMs: 20,
        exportTimeoutMs: 300,
        metricsPort,
        metricsHost: '127.0.0.1',
        logFile: join(dir, `${service}.log`),
        logToStdout: false,
        handleSignals: false,
        shutdownTimeoutMs: 500,
      },
      {},
    )
    expect(current.tracing).toBe(true)
    const app = await listen((_req, res) => res.writeHead(200).end('ok'))
    const started = performance.now()
    const statuses: number[] = []
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${app.url}/item/${i}`)
      statuses.push(res.status)
      await res.text()
    }
    const elapsedMs = performance.now() - started
    app.server.close()
    return { statuses, elapsedMs, metricsUrl: `http://127.0.0.1:${await current.metricsPort}/metrics` }
  }

  async function dropped(metricsUrl: string, service: string, reason: 'queue_full' | 'export_failed'): Promise<{ count: number; text: string }> {
    return eventually(async () => {
      const text = await (await fetch(metricsUrl)).text()
      const count = promSample(text, 'periscope_sdk_spans_dropped_total', { reason, service }) ?? 0
      return count > 0 ? { count, text } : undefined
    }, `${reason} drops`)
  }

  async function shutdownQuickly(): Promise<void> {
    const started = performance.now()
    await expect(current!.shutdown()).resolves.toBeUndefined()
    // bounded by shutdownTimeoutMs (500) whatever the endpoint does
    expect(performance.now() - started).toBeLessThan(3000)
  }

  it('an unreachable endpoint: requests succeed, failed exports are counted, one warning is logged', async () => {
    const deadPort = await freePort()
    const run = await requestsAgainst(`http://127.0.0.1:${deadPort}`, 'dead-endpoint')
    expect(run.statuses.every((s) => s === 200)).toBe(true)
    // 40 local requests: an export stall would show up as seconds
    expect(run.elapsedMs).toBeLessThan(5000)
    const { text } = await dropped(run.metricsUrl, 'dead-endpoint', 'export_failed')
    expect(promSample(text, 'periscope_sdk_spans_exported_total', { service: 'dead-endpoint' })).toBe(0)
    await shutdownQuickly()
    const log = lines(join(dir, 'dead-endpoint.log'))
    expect(log.filter((l) => String(l.msg).startsWith('span export failing'))).toHaveLength(1)
  })

  it('an endpoint that accepts but never answers: requests succeed, the bounded queue drops and counts', async () => {
    const sockets = new Set<import('node:net').Socket>()
    const hung = createServer(() => {
      // never answer
    })
    hung.on('connection', (s) => sockets.add(s))
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve))
    const address = hung.address()
    const hungUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    const run = await requestsAgainst(hungUrl, 'hung-endpoint')
    expect(run.statuses.every((s) => s === 200)).toBe(true)
    expect(run.elapsedMs).toBeLessThan(5000)
    // at most 8 spans may be pending; exports time out after 300 ms, so under a slow machine some
    // room frees up between requests, but the bound must have been hit and nothing delivered
    const { text } = await dropped(run.metricsUrl, 'hung-endpoint', 'queue_full')
    expect(promSample(text, 'periscope_sdk_spans_exported_total', { service: 'hung-endpoint' })).toBe(0)
    expect(current!.pendingSpans()).toBeLessThanOrEqual(8)
    await shutdownQuickly()
    for (const s of sockets) s.destroy()
    hung.close()
  })
})
