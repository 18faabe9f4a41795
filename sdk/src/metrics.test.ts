import { describe, expect, it } from 'vitest'
import { promSample as sample } from '../test/helpers/prometheus-text.ts'
import { createSdkMetrics, normaliseMethod, statusClass } from './metrics.ts'

describe('createSdkMetrics', () => {
  it('records request duration in latency buckets and counts requests by method, route and status class', async () => {
    const m = createSdkMetrics({ service: 'svc', runtime: false })
    m.observeServerRequest({ method: 'get', route: '/users/:id', statusCode: 200, durationSeconds: 0.03 })
    m.observeServerRequest({ method: 'GET', route: '/users/:id', statusCode: 204, durationSeconds: 0.3 })
    m.observeServerRequest({ method: 'POST', route: undefined, statusCode: 503, durationSeconds: 2 })
    m.observeServerRequest({ method: 'BREW', route: '/pot', statusCode: undefined, durationSeconds: 12 })
    const text = await m.text()
    const users = { method: 'GET', route: '/users/:id', status_class: '2xx', service: 'svc' }
    expect(sample(text, 'http_server_requests_total', users)).toBe(2)
    expect(sample(text, 'http_server_request_duration_seconds_bucket', { le: '0.025', ...users })).toBe(0)
    expect(sample(text, 'http_server_request_duration_seconds_bucket', { le: '0.05', ...users })).toBe(1)
    expect(sample(text, 'http_server_request_duration_seconds_bucket', { le: '0.5', ...users })).toBe(2)
    expect(sample(text, 'http_server_request_duration_seconds_sum', users)).toBeCloseTo(0.33, 10)
    expect(sample(text, 'http_server_requests_total', { method: 'POST', route: 'unmatched', status_class: '5xx', service: 'svc' })).toBe(1)
    expect(sample(text, 'http_server_requests_total', { method: '_OTHER', route: '/pot', status_class: 'aborted', service: 'svc' })).toBe(1)
    expect(sample(text, 'http_server_request_duration_seconds_bucket', { le: '10', method: '_OTHER', route: '/pot', status_class: 'aborted', service: 'svc' })).toBe(0)
  })

  it('folds routes beyond the limit into one label value', async () => {
    const m = createSdkMetrics({ service: 'svc', runtime: false, maxRoutes: 2 })
    for (const route of ['/a', '/b', '/c', '/d', '/a']) m.observeServerRequest({ method: 'GET', route, statusCode: 200, durationSeconds: 0.001 })
    const text = await m.text()
    expect(sample(text, 'http_server_requests_total', { method: 'GET', route: '/a', status_class: '2xx', service: 'svc' })).toBe(2)
    expect(sample(text, 'http_server_requests_total', { method: 'GET', route: 'other', status_class: '2xx', service: 'svc' })).toBe(2)
  })

  it('tracks requests in flight, each ended once', async () => {
    const m = createSdkMetrics({ service: 'svc', runtime: false })
    const end1 = m.serverRequestStarted('GET')
    m.serverRequestStarted('GET')
    end1()
    end1()
    expect(sample(await m.text(), 'http_server_active_requests', { method: 'GET', service: 'svc' })).toBe(1)
  })

  it('exposes span drop and export counters from the first scrape', async () => {
    const m = createSdkMetrics({ service: 'svc', runtime: false })
    expect(sample(await m.text(), 'periscope_sdk_spans_dropped_total', { reason: 'queue_full', service: 'svc' })).toBe(0)
    m.spansDropped('export_failed', 3)
    m.spansExported(5)
    let external = 4
    m.countFrom('periscope_sdk_log_lines_dropped_total', 'help', () => external)
    const text = await m.text()
    expect(sample(text, 'periscope_sdk_spans_dropped_total', { reason: 'export_failed', service: 'svc' })).toBe(3)
    expect(sample(text, 'periscope_sdk_spans_exported_total', { service: 'svc' })).toBe(5)
    expect(sample(text, 'periscope_sdk_log_lines_dropped_total', { service: 'svc' })).toBe(4)
    external = 9
    expect(sample(await m.text(), 'periscope_sdk_log_lines_dropped_total', { service: 'svc' })).toBe(9)
  })

  it('includes runtime metrics by default', async () => {
    const text = await createSdkMetrics({ service: 'svc' }).text()
    expect(text).toContain('process_cpu_seconds_total')
    expect(text).toContain('nodejs_eventloop_lag_seconds')
  })
})

describe('label helpers', () => {
  it('bounds methods and status classes', () => {
    expect(normaliseMethod(undefined)).toBe('GET')
    expect(normaliseMethod('patch')).toBe('PATCH')
    expect(normaliseMethod('PROPFIND')).toBe('_OTHER')
    expect(statusClass(404)).toBe('4xx')
    expect(statusClass(999)).toBe('unknown')
    expect(statusClass(undefined)).toBe('aborted')
  })
})
