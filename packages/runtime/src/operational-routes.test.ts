import Fastify from 'fastify'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { registerOperationalRoutes, type Readiness } from './operational-routes.ts'
import { createSelfMetrics } from './self-metrics.ts'

let app: ReturnType<typeof Fastify> | undefined
afterEach(async () => {
  vi.useRealTimers()
  await app?.close()
})

function build(ready: () => Readiness | Promise<Readiness>, readyTimeoutMs?: number) {
  const metrics = createSelfMetrics({ service: 'test', defaultMetrics: false })
  metrics.counter({ name: 'periscope_test_hits_total', help: 'Hits.' }).inc(4)
  app = Fastify()
  registerOperationalRoutes(app, { ready, metrics, ...(readyTimeoutMs === undefined ? {} : { readyTimeoutMs }) })
  return app
}

describe('registerOperationalRoutes', () => {
  it('/healthz answers 200 without consulting readiness', async () => {
    const ready = vi.fn(() => false)
    const response = await build(ready).inject({ method: 'GET', url: '/healthz' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'ok' })
    expect(ready).not.toHaveBeenCalled()
  })

  it('/readyz follows ready()', async () => {
    let state: Readiness = true
    const server = build(async () => state)
    expect((await server.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200)
    state = { ready: false, reason: 'schema version 3 is behind 4' }
    const response = await server.inject({ method: 'GET', url: '/readyz' })
    expect(response.statusCode).toBe(503)
    expect(response.json()).toEqual({ status: 'not ready', reason: 'schema version 3 is behind 4' })
    state = false
    expect((await server.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'not ready', reason: 'not ready' })
  })

  it('/readyz answers 503 when ready() throws', async () => {
    const response = await build(async () => {
      throw new Error('connect ECONNREFUSED')
    }).inject({ method: 'GET', url: '/readyz' })
    expect(response.statusCode).toBe(503)
    expect(response.json()).toEqual({ status: 'not ready', reason: 'readiness check failed: connect ECONNREFUSED' })
  })

  it('/readyz answers 503 when ready() does not answer in time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const pending = build(() => new Promise<boolean>(() => undefined), 500).inject({ method: 'GET', url: '/readyz' })
    await vi.advanceTimersByTimeAsync(500)
    const response = await pending
    expect(response.statusCode).toBe(503)
    expect(response.json()).toEqual({ status: 'not ready', reason: 'readiness check did not answer within 500 ms' })
  })

  it('/metrics serves Prometheus text', async () => {
    const response = await build(() => true).inject({ method: 'GET', url: '/metrics' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toContain('text/plain; version=0.0.4')
    expect(response.body).toContain('periscope_test_hits_total{service="test"} 4')
  })
})
