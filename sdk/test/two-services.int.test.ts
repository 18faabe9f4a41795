/**
 * A request through two instrumented services (express upstream → plain-http downstream over
 * fetch, each a child process started with `--import @periscope/sdk/register`) yields one trace
 * with correct parent/child links, and log lines of both services that carry its trace id and the
 * request id. Spans are captured by a local OTLP/JSON receiver standing in for the agent.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOtlpCapture, type CapturedSpan, type OtlpCapture } from './helpers/otlp-capture.ts'
import { freePort, spawnInstrumented, waitHealthy, type Child } from './helpers/processes.ts'

const SERVER = 2
const CLIENT = 3

let capture: OtlpCapture
let dir: string
let upstream: Child
let downstream: Child
let upstreamUrl: string
const logFile = (service: string): string => join(dir, `${service}.log`)

function logLines(service: string): Array<Record<string, unknown>> {
  return readFileSync(logFile(service), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

/** The upstream exports OTLP/JSON, the downstream OTLP/protobuf (the default): both encodings are covered. */
function envFor(service: string, port: number, downstreamUrl?: string): Record<string, string> {
  return {
    OTEL_SERVICE_NAME: service,
    OTEL_EXPORTER_OTLP_PROTOCOL: service === 'upstream' ? 'http/json' : 'http/protobuf',
    OTEL_EXPORTER_OTLP_ENDPOINT: capture.url,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    PERISCOPE_LOG_FILE: logFile(service),
    PERISCOPE_LOG_STDOUT: 'false',
    PERISCOPE_METRICS_PORT: '0',
    FIXTURE_PORT: String(port),
    ...(downstreamUrl !== undefined ? { FIXTURE_DOWNSTREAM_URL: downstreamUrl } : {}),
  }
}

beforeAll(async () => {
  capture = await startOtlpCapture()
  dir = mkdtempSync(join(tmpdir(), 'periscope-sdk-two-'))
  const [upPort, downPort] = [await freePort(), await freePort()]
  const downstreamUrl = `http://127.0.0.1:${downPort}`
  upstreamUrl = `http://127.0.0.1:${upPort}`
  downstream = spawnInstrumented(new URL('./fixtures/downstream.ts', import.meta.url), envFor('downstream', downPort))
  upstream = spawnInstrumented(new URL('./fixtures/upstream.ts', import.meta.url), envFor('upstream', upPort, downstreamUrl))
  await Promise.all([waitHealthy(`${downstreamUrl}/healthz`, downstream), waitHealthy(`${upstreamUrl}/healthz`, upstream)])
})

afterAll(async () => {
  await Promise.all([upstream?.stop(), downstream?.stop()])
  await capture?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** The spans of the trace that served `requestId`, once both server spans have arrived. */
async function traceOf(requestId: string): Promise<CapturedSpan[]> {
  const isServerOf = (s: CapturedSpan, service: string) => s.kind === SERVER && s.service === service && s.attributes.request_id === requestId
  const spans = await capture.waitFor((all) => all.some((s) => isServerOf(s, 'upstream')) && all.some((s) => isServerOf(s, 'downstream')))
  const traceId = spans.find((s) => isServerOf(s, 'upstream'))!.traceId
  return spans.filter((s) => s.traceId === traceId)
}

describe('a request through two instrumented services', () => {
  it('yields one trace: upstream server span → client span → downstream server span', async () => {
    const res = await fetch(`${upstreamUrl}/hello/ada`, { headers: { 'x-request-id': 'test-req-1' } })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ hello: 'ada', downstream: 'done' })
    expect(res.headers.get('x-request-id')).toBe('test-req-1')

    const spans = await traceOf('test-req-1')
    const upServer = spans.find((s) => s.service === 'upstream' && s.kind === SERVER)!
    const client = spans.find((s) => s.service === 'upstream' && s.kind === CLIENT)!
    const downServer = spans.find((s) => s.service === 'downstream' && s.kind === SERVER)!
    expect(upServer.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([upServer.traceId]))
    // the caller sent no traceparent: the upstream server span is the root
    expect(upServer.parentSpanId).toBe('')
    expect(downServer.parentSpanId).toBe(client.spanId)
    // the client span sits under the upstream request (directly or via express handler spans)
    const upstreamIds = new Set(spans.filter((s) => s.service === 'upstream').map((s) => s.spanId))
    expect(upstreamIds.has(client.parentSpanId)).toBe(true)
    expect(upServer.attributes['http.route']).toBe('/hello/:name')
    expect(upServer.name).toBe('GET /hello/:name')
    expect(downServer.attributes['http.route']).toBe('/work')
    for (const s of spans) expect(s.attributes.request_id, `${s.service} ${s.name}`).toBe('test-req-1')

    const upLines = logLines('upstream').filter((l) => l.request_id === 'test-req-1')
    const downLines = logLines('downstream').filter((l) => l.request_id === 'test-req-1')
    expect(upLines.map((l) => l.msg)).toEqual(['upstream handling', 'downstream answered'])
    expect(downLines.map((l) => l.msg)).toEqual(['downstream working'])
    for (const line of [...upLines, ...downLines]) {
      expect(line.trace_id).toBe(upServer.traceId)
      expect(spans.some((s) => s.spanId === line.span_id && s.service === line.service)).toBe(true)
      expect(line).toMatchObject({ level: 30, levelName: 'info' })
      expect(typeof line.time).toBe('number')
    }
    expect(downLines[0]!.span_id).toBe(downServer.spanId)
    expect(downLines[0]!.contact).toBe('[REDACTED]')
    expect(new Set(capture.contentTypes)).toEqual(new Set(['application/json', 'application/x-protobuf']))
  })

  it('generates a request id when the caller sends none, and carries it downstream', async () => {
    const res = await fetch(`${upstreamUrl}/hello/grace`)
    expect(res.status).toBe(200)
    const generated = res.headers.get('x-request-id')
    expect(generated).toMatch(/^[0-9a-f-]{36}$/)
    const spans = await traceOf(generated!)
    expect(spans.filter((s) => s.kind === SERVER).map((s) => s.service).sort()).toEqual(['downstream', 'upstream'])
    expect(logLines('downstream').some((l) => l.request_id === generated && l.msg === 'downstream working')).toBe(true)
  })

  it('continues a trace the caller started with traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
    const res = await fetch(`${upstreamUrl}/hello/linus`, {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': 'test-req-3' },
    })
    expect(res.status).toBe(200)
    const spans = await traceOf('test-req-3')
    const upServer = spans.find((s) => s.service === 'upstream' && s.kind === SERVER)!
    expect(upServer.traceId).toBe(traceId)
    expect(upServer.parentSpanId).toBe('00f067aa0ba902b7')
  })
})
