/**
 * The demo shop end to end: the launcher starts the four instrumented services, the load
 * generator drives them, and what reaches a stand-in OTLP receiver, the log files and /metrics is
 * what Periscope will show: one trace per request across frontend → checkout → inventory/payment,
 * correlated redacted logs, route-labelled request metrics.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOtlpCapture, type CapturedSpan, type OtlpCapture } from '../../test/helpers/otlp-capture.ts'
import { freePort } from '../../test/helpers/processes.ts'
import { promSample } from '../../test/helpers/prometheus-text.ts'
import { SERVICES, type ServiceName } from './config.ts'
import { startShop, type Shop } from './launcher.ts'
import { runLoad } from './load-generator.ts'

const SERVER = 2
const CLIENT = 3
let capture: OtlpCapture
let shop: Shop
let dir: string

async function ports(): Promise<Record<ServiceName, number>> {
  const out: Partial<Record<ServiceName, number>> = {}
  for (const s of SERVICES) out[s] = await freePort()
  return out as Record<ServiceName, number>
}

function logText(service: ServiceName): string {
  return readFileSync(shop.logFiles[service], 'utf8')
}

beforeAll(async () => {
  capture = await startOtlpCapture()
  dir = mkdtempSync(join(tmpdir(), 'periscope-shop-'))
  shop = await startShop({
    endpoint: capture.url,
    logDir: dir,
    ports: await ports(),
    metricsPorts: await ports(),
    paymentErrorRate: 0,
    paymentLatencyMs: 5,
    inventorySlowRate: 0,
    inventoryLatencyMs: 2,
    extraEnv: { OTEL_BSP_SCHEDULE_DELAY: '100' },
  })
})

afterAll(async () => {
  await shop?.stop()
  await capture?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('demo shop', () => {
  it('serves a bounded load without server errors', async () => {
    const load = runLoad({ url: shop.url, ratePerSecond: 15, durationS: 2, concurrency: 8 })
    const summary = await load.done
    // 30 ticks in 2 s; on a busy machine some are skipped because 8 requests are still in flight
    expect(summary.sent + summary.skipped).toBeGreaterThanOrEqual(20)
    expect(summary.sent).toBeGreaterThanOrEqual(5)
    expect(summary.failures).toBe(0)
    expect(summary.serverErrors).toBe(0)
    expect(summary.ok + summary.clientErrors).toBe(summary.sent)
    expect(summary.ok).toBeGreaterThan(0)
  })

  it('traces one checkout across all four services with correct parent links', async () => {
    const res = await fetch(`${shop.url}/api/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'shop-test-1' },
      body: JSON.stringify({ items: [{ sku: 'slo-socks', qty: 1 }], email: 'ada@example.com', card: '4242 4242 4242 4242' }),
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-request-id')).toBe('shop-test-1')

    const serverOf = (spans: CapturedSpan[], service: ServiceName) =>
      spans.find((s) => s.kind === SERVER && s.service === service && s.attributes.request_id === 'shop-test-1')
    const all = await capture.waitFor((spans) => SERVICES.every((s) => serverOf(spans, s) !== undefined))
    const frontend = serverOf(all, 'frontend')!
    const trace = all.filter((s) => s.traceId === frontend.traceId)
    const byId = new Map(trace.map((s) => [s.spanId, s]))
    /** The client span a server span hangs under, and the service that made the call. */
    const caller = (service: ServiceName): CapturedSpan => {
      const server = serverOf(trace, service)!
      const client = byId.get(server.parentSpanId)
      expect(client?.kind, `${service} server span's parent is a client span`).toBe(CLIENT)
      return client!
    }
    expect(frontend.parentSpanId).toBe('')
    expect(frontend.attributes['http.route']).toBe('/api/checkout')
    expect(caller('checkout').service).toBe('frontend')
    expect(caller('inventory').service).toBe('checkout')
    expect(caller('payment').service).toBe('checkout')
    expect(serverOf(trace, 'checkout')!.attributes['http.route']).toBe('/checkout')
    expect(serverOf(trace, 'payment')!.attributes['http.route']).toBe('/charge')

    // the frontend's log line of this request, with the customer's data redacted
    const line = logText('frontend')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.request_id === 'shop-test-1' && String(l.msg).startsWith('checkout requested'))
    expect(line).toMatchObject({ trace_id: frontend.traceId, email: '[REDACTED]', card: '[REDACTED]', msg: 'checkout requested by [REDACTED]' })
    for (const service of SERVICES) {
      const text = logText(service)
      expect(text).not.toContain('ada@example.com')
      expect(text).not.toContain('4242 4242 4242 4242')
      expect(text).toContain('"request_id":"shop-test-1"')
    }
  })

  it('declines the test decline card with 402 (the failing payment path)', async () => {
    const res = await fetch(`${shop.url}/api/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ sku: 'trace-tee', qty: 1 }], email: 'x@example.com', card: '4000 0000 0000 0002' }),
    })
    expect(res.status).toBe(402)
  })

  it('exposes route-labelled request metrics on each service', async () => {
    const expected: Record<ServiceName, { method: string; route: string }> = {
      frontend: { method: 'POST', route: '/api/checkout' },
      checkout: { method: 'POST', route: '/checkout' },
      payment: { method: 'POST', route: '/charge' },
      inventory: { method: 'POST', route: '/reserve' },
    }
    for (const service of SERVICES) {
      const text = await (await fetch(`http://127.0.0.1:${shop.metricsPorts[service]}/metrics`)).text()
      const labels = { ...expected[service], status_class: '2xx', service }
      expect(promSample(text, 'http_server_requests_total', labels), service).toBeGreaterThanOrEqual(1)
      expect(promSample(text, 'http_server_request_duration_seconds_bucket', { ...labels, le: '+Inf' }), service).toBeGreaterThanOrEqual(1)
      expect(text).toContain('nodejs_heap_size_used_bytes')
    }
  })

  it('stops every service on stop()', async () => {
    await shop.stop()
    for (const service of SERVICES) {
      await expect(fetch(`http://127.0.0.1:${shop.ports[service]}/healthz`)).rejects.toThrow()
    }
  })
})
