/**
 * The guarded POST against real sockets on 127.0.0.1: it connects to the address the guard
 * checked (not to a second DNS answer), never follows a redirect (not even to an allowed
 * address), is bounded in time and in the answer kept, and refuses before connecting.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startReceiver, type Receiver } from '../alerts/testing/receiver.ts'
import { createHttpPoster } from './http-post.ts'
import { createSsrfGuard, type ResolvedAddress } from './ssrf-guard.ts'

let target: Receiver
let redirector: Receiver
let silent: Server
let silentPort: number
const lookups: string[] = []

/** A resolver that knows 'receiver.test' (127.0.0.1) and counts how often it is asked. */
const resolve = async (host: string): Promise<ResolvedAddress[]> => {
  lookups.push(host)
  if (host === 'receiver.test') return [{ address: '127.0.0.1', family: 4 }]
  throw new Error(`ENOTFOUND ${host}`)
}

beforeAll(async () => {
  target = await startReceiver(() => ({ status: 200, body: 'x'.repeat(200_000) }))
  redirector = await startReceiver(() => ({ status: 307, headers: { location: `${target.url}/stolen` } }))
  silent = createServer(() => undefined) // accepts, never answers
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
  silentPort = (silent.address() as AddressInfo).port
})

afterAll(async () => {
  await Promise.all([target?.close(), redirector?.close(), new Promise((r) => silent?.close(r))])
})

describe('guarded POST', () => {
  const poster = createHttpPoster({ guard: createSsrfGuard({ allow: ['127.0.0.1'], resolve }), timeoutMs: 2000, maxResponseBytes: 1024 })

  it('connects to the checked address, asking DNS once, and keeps the Host of the URL', async () => {
    const port = new URL(target.url).port
    const outcome = await poster.post({ url: `http://receiver.test:${port}/hook`, headers: { 'content-type': 'application/json' }, body: '{"a":1}' })
    expect(outcome).toMatchObject({ kind: 'response', status: 200 })
    expect(outcome.kind === 'response' && outcome.body.length).toBe(1024)
    expect(lookups.filter((h) => h === 'receiver.test')).toHaveLength(1)
    const received = target.requests.at(-1)!
    expect(received).toMatchObject({ path: '/hook', body: '{"a":1}' })
    expect(received.headers.host).toBe(`receiver.test:${port}`)
  })

  it('does not follow a redirect, even to an allowed address', async () => {
    const before = target.requests.length
    const outcome = await poster.post({ url: `${redirector.url}/hook`, headers: {}, body: '{}' })
    expect(outcome).toMatchObject({ kind: 'response', status: 307 })
    expect(target.requests.length).toBe(before)
  })

  it('refuses before connecting when the name resolves to an internal address not allowed', async () => {
    const strict = createHttpPoster({ guard: createSsrfGuard({ allow: [], resolve }), timeoutMs: 2000 })
    const before = target.requests.length
    const port = new URL(target.url).port
    expect(await strict.post({ url: `http://receiver.test:${port}/`, headers: {}, body: '{}' })).toMatchObject({ kind: 'refused', retryable: false })
    expect(await strict.post({ url: `${target.url}/`, headers: {}, body: '{}' })).toMatchObject({ kind: 'refused' })
    expect(target.requests.length).toBe(before)
  })

  it('ends an exchange that gets no answer within the timeout', async () => {
    const quick = createHttpPoster({ guard: createSsrfGuard({ allow: ['127.0.0.1'] }), timeoutMs: 200 })
    const started = performance.now()
    const outcome = await quick.post({ url: `http://127.0.0.1:${silentPort}/`, headers: {}, body: '{}' })
    expect(outcome).toMatchObject({ kind: 'network' })
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('reports a connection that is refused as a network failure', async () => {
    const closed = await startReceiver()
    await closed.close()
    expect(await poster.post({ url: `${closed.url}/`, headers: {}, body: '{}' })).toMatchObject({ kind: 'network' })
  })
})
