/**
 * Scenario: `count` malformed or hostile OTLP/HTTP requests (harness/hostile-payloads.ts) sent
 * over real sockets to the collector process, `concurrency` at a time. Every answer must be 4xx
 * (the exact status per class is reported), the process must be the same one at the end (no
 * crash, no restart), its resident memory bounded, and a valid request still answered 200.
 */
import { request as httpRequest } from 'node:http'
import { encodeTraces } from '@periscope/model'
import { createHostileGenerator, type HostileClass } from '../harness/hostile-payloads.ts'
import { freePort, startService } from '../harness/service-process.ts'
import { collectorConfig, createWorkspace, localBus } from '../harness/stack.ts'
import { prepareStore } from '../harness/store-client.ts'
import { spanBatch } from '../harness/span-batches.ts'

export interface HostilePayloadsOptions {
  count: number
  seed: number
  concurrency: number
  maxBodyBytes: number
}

export interface HostilePayloadsResult {
  /** status counts per class */
  statuses: Record<HostileClass, Record<number, number>>
  /** answers outside 4xx, or other than the class's expected status (first 20) */
  unexpected: string[]
  non4xx: number
  samePidAtEnd: boolean
  rssStartBytes: number
  rssPeakBytes: number
  validAfterwards: number
  durationMs: number
}

const KEY = 'faults-hostile-key-0000000001'

/** node:http rather than fetch: fetch refuses some of these headers and would not send them as given */
function send(url: string, path: string, headers: Record<string, string>, body: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const u = new URL(url)
    const req = httpRequest({ host: u.hostname, port: u.port, path, method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, timeout: 15_000 }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
      res.on('error', () => resolve(res.statusCode ?? 0))
    })
    // a server may answer (413, 401) and close before reading the whole body: the status still counts
    let answered = false
    req.on('response', () => (answered = true))
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', () => {
      if (!answered) resolve(0)
    })
    req.end(body)
  })
}

export async function hostilePayloads(o: HostilePayloadsOptions): Promise<HostilePayloadsResult> {
  const started = Date.now()
  const ws = createWorkspace('hostile')
  let collector: Awaited<ReturnType<typeof startService>> | undefined
  try {
    await prepareStore(ws.path('collector-db'), [{ tenantId: 'hostile', key: KEY }])
    collector = await startService({
      name: 'collector',
      dir: ws.root,
      config: collectorConfig({ port: await freePort(), storePath: ws.path('collector-db'), bus: localBus(ws.path('bus')), maxBodyBytes: o.maxBodyBytes }),
    })
    const c = collector
    let died = false
    void c.exited.then(() => (died = true))
    const next = createHostileGenerator({ seed: o.seed, key: KEY, maxBodyBytes: o.maxBodyBytes })
    const statuses = {} as Record<HostileClass, Record<number, number>>
    const unexpected: string[] = []
    let non4xx = 0
    const rssStart = c.rssBytes()
    let rssPeak = rssStart
    let sent = 0
    const worker = async () => {
      while (sent < o.count && !died) {
        const n = sent++
        const r = next()
        const status = await send(c.url, r.path, r.headers, r.body)
        const byClass = (statuses[r.kind] ??= {})
        byClass[status] = (byClass[status] ?? 0) + 1
        const is4xx = status >= 400 && status < 500
        if (!is4xx) non4xx++
        if ((!is4xx || status !== r.expect) && unexpected.length < 20) unexpected.push(`#${n} ${r.kind} ${r.path} → ${status} (expected ${r.expect})`)
        if (n % 100 === 0) rssPeak = Math.max(rssPeak, c.rssBytes())
      }
    }
    await Promise.all(Array.from({ length: o.concurrency }, worker))
    rssPeak = Math.max(rssPeak, died ? 0 : c.rssBytes())
    const validAfterwards = died
      ? 0
      : await send(c.url, '/v1/traces', { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-protobuf' }, Buffer.from(encodeTraces(spanBatch('hostile-after', 'p', 0, 3), 'protobuf')))
    return { statuses, unexpected, non4xx, samePidAtEnd: !died, rssStartBytes: rssStart, rssPeakBytes: rssPeak, validAfterwards, durationMs: Date.now() - started }
  } finally {
    await collector?.kill()
    ws.remove()
  }
}
