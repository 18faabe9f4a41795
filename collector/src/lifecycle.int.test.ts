/**
 * The collector as a listening server: a request in flight when shutdown starts is still
 * answered (and its records kept) before close resolves, while new requests are refused; and a
 * real bus that cannot be reached gives 503 + Retry-After and a failing /readyz, never a 500.
 */
import { createServer } from 'node:net'
import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeTraces } from '@periscope/model'
import { TOPICS, openBus } from '@periscope/pipeline'
import { createLogger, createSelfMetrics } from '@periscope/runtime'
import { build } from './app.ts'
import { TEST_CONFIG } from './testing/app-harness.ts'
import { createMemoryBus } from './testing/memory-bus.ts'
import { span, traces } from './testing/otlp-fixtures.ts'
import { generateApiKey } from './tenants/api-key.ts'
import { createMemoryApiKeySource, createTenantResolver } from './tenants/tenant-resolver.ts'
import type { Bus } from '@periscope/pipeline'

const logger = createLogger({ service: 'collector-int', level: 'silent' })
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

async function listen(bus: Bus) {
  const key = generateApiKey()
  const app = await build({
    config: TEST_CONFIG,
    logger,
    bus,
    tenants: createTenantResolver({ source: createMemoryApiKeySource([{ keyId: key.keyId, tenantId: 't1', keyHash: key.keyHash, revoked: false }]), nowMs: Date.now }),
    metrics: createSelfMetrics({ service: 'collector-int', defaultMetrics: false }),
  })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  return { app, url: new URL(address), key: key.plaintext }
}

function post(url: URL, path: string, key: string, body: Uint8Array): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path, method: 'POST', headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${key}`, connection: 'close' } },
      (res) => {
        res.resume()
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }))
      },
    )
    req.on('error', reject)
    req.end(Buffer.from(body))
  })
}

/** A loopback port with nothing listening on it. */
async function deadPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('collector lifecycle', () => {
  it('drains a request in flight on close and answers it 200', async () => {
    const bus = createMemoryBus()
    let release: () => void = () => {}
    let sending: () => void = () => {}
    const sendStarted = new Promise<void>((resolve) => (sending = resolve))
    bus.respondWith(() => {
      sending()
      return new Promise((resolve) => (release = () => resolve({ status: 'success' })))
    })
    const { app, url, key } = await listen(bus)
    const pending = post(url, '/v1/traces', key, encodeTraces(traces([span({ startTimeUnixNano: BigInt(Date.now()) * 1_000_000n, endTimeUnixNano: BigInt(Date.now()) * 1_000_000n + 1000n })]), 'protobuf'))
    await sendStarted
    let closed = false
    const closing = app.close().then(() => (closed = true))
    await new Promise((r) => setTimeout(r, 50))
    expect(closed).toBe(false) // still waiting for the request in flight
    // a new request is refused meanwhile: the listener is closed (or fastify answers 503)
    const late = await post(url, '/v1/traces', key, new Uint8Array(0)).then(
      (res) => res.status,
      (error: NodeJS.ErrnoException) => error.code,
    )
    expect([503, 'ECONNREFUSED']).toContain(late)
    release()
    expect((await pending).status).toBe(200)
    await closing
    expect(bus.records(TOPICS.traces)).toHaveLength(1)
  })

  it('answers 503 with Retry-After and is not ready while the Kafka broker is unreachable', async () => {
    const bus = await openBus({ kind: 'kafka', brokers: [`127.0.0.1:${await deadPort()}`], clientId: 'collector-int-dead', sendTimeoutMs: 1_000 }, { logger })
    closers.push(() => bus.close())
    const { app, url, key } = await listen(bus)
    closers.push(() => app.close())
    const nowNs = BigInt(Date.now()) * 1_000_000n
    const res = await post(url, '/v1/traces', key, encodeTraces(traces([span({ startTimeUnixNano: nowNs, endTimeUnixNano: nowNs + 1000n })]), 'protobuf'))
    expect(res.status).toBe(503)
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503)
  })
})
