/**
 * Scenario: tenant A sends `overload`× its item limit while tenant B sends its usual load. A is
 * answered 429 with Retry-After; B sees no rejection and its p99 latency stays within 2× of its
 * baseline (B alone, measured first in the same run against the same collector process).
 * The collector runs as its own process on the local log; nothing is verified in ClickHouse
 * here (what is measured is the collector's answers).
 */
import { encodeTraces } from '@periscope/model'
import { quantile } from '../harness/producer.ts'
import { freePort, startService } from '../harness/service-process.ts'
import { collectorConfig, createWorkspace, localBus } from '../harness/stack.ts'
import { prepareStore } from '../harness/store-client.ts'
import { newRunId, spanBatch } from '../harness/span-batches.ts'

export interface TenantIsolationOptions {
  /** tenant A's limit, spans per second */
  limitItemsPerSecond: number
  /** A sends this multiple of its limit */
  overload: number
  /** B's load: spans per second */
  tenantBItemsPerSecond: number
  spansPerRequest: number
  /** A's requests are larger, so its overload is in items, not in request count the test client must drive */
  aSpansPerRequest: number
  phaseMs: number
}

export interface TenantIsolationResult {
  a: { requests: number; statuses: Record<number, number>; missingRetryAfter: number; acceptedSpans: number; sentSpansPerSecond: number }
  b: { baselineP99Ms: number; underLoadP99Ms: number; baselineP50Ms: number; underLoadP50Ms: number; statuses: Record<number, number> }
  durationMs: number
}

/** loopback latencies are a few ms: below this a 2× bound measures scheduler jitter, not isolation */
export const P99_FLOOR_MS = 10

const KEYS = { a: 'faults-tenant-a-key-000000001', b: 'faults-tenant-b-key-000000001' }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface PacedResult {
  latenciesMs: number[]
  statuses: Record<number, number>
  missingRetryAfter: number
  acceptedSpans: number
  requests: number
}

/** Sends one request every `everyMs` (never waiting for answers to pace), for `durationMs`. */
async function paced(url: string, key: string, runId: string, producer: string, spansPerRequest: number, everyMs: number, durationMs: number): Promise<PacedResult> {
  const out: PacedResult = { latenciesMs: [], statuses: {}, missingRetryAfter: 0, acceptedSpans: 0, requests: 0 }
  const inFlight: Promise<void>[] = []
  // bodies are encoded before the clock starts: encoding in the loop would delay the client's own
  // timers and show up as collector latency
  const bodies: Uint8Array[] = []
  for (let seq = 0; bodies.length < Math.ceil(durationMs / everyMs); seq += spansPerRequest) bodies.push(encodeTraces(spanBatch(runId, producer, seq, spansPerRequest), 'protobuf'))
  const end = Date.now() + durationMs
  for (let next = Date.now(), i = 0; next < end && i < bodies.length; next += everyMs, i++) {
    const body = bodies[i]!
    out.requests++
    inFlight.push(
      (async () => {
        const t0 = performance.now()
        let status = 0
        try {
          const res = await fetch(`${url}/v1/traces`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${key}` },
            body,
            signal: AbortSignal.timeout(10_000),
          })
          await res.arrayBuffer()
          status = res.status
          if (status === 429 && !(Number(res.headers.get('retry-after')) >= 1)) out.missingRetryAfter++
        } catch {
          status = 0
        }
        if (status === 200) {
          out.latenciesMs.push(performance.now() - t0)
          out.acceptedSpans += spansPerRequest
        }
        out.statuses[status] = (out.statuses[status] ?? 0) + 1
      })(),
    )
    const wait = next + everyMs - Date.now()
    if (wait > 0) await sleep(wait)
  }
  await Promise.all(inFlight)
  return out
}

export async function tenantIsolation(o: TenantIsolationOptions): Promise<TenantIsolationResult> {
  const started = Date.now()
  const ws = createWorkspace('tenants')
  const runId = newRunId('tenants')
  let collector: Awaited<ReturnType<typeof startService>> | undefined
  try {
    await prepareStore(ws.path('collector-db'), [
      { tenantId: 'tenant-a', key: KEYS.a },
      { tenantId: 'tenant-b', key: KEYS.b },
    ])
    collector = await startService({
      name: 'collector',
      dir: ws.root,
      config: collectorConfig({
        port: await freePort(),
        storePath: ws.path('collector-db'),
        bus: localBus(ws.path('bus')),
        tenantLimits: { 'tenant-a': { itemsPerSecond: o.limitItemsPerSecond, bytesPerSecond: 64 << 20, burstSeconds: 1 } },
      }),
    })
    const url = collector.url
    const bEveryMs = (1000 * o.spansPerRequest) / o.tenantBItemsPerSecond
    // warm-up: keys cached, JIT warm, log segments created
    await paced(url, KEYS.b, runId, 'warmup', o.spansPerRequest, bEveryMs, 1000)
    const baseline = await paced(url, KEYS.b, runId, 'b-baseline', o.spansPerRequest, bEveryMs, o.phaseMs)
    const aEveryMs = (1000 * o.aSpansPerRequest) / (o.limitItemsPerSecond * o.overload)
    const [a, b] = await Promise.all([
      paced(url, KEYS.a, runId, 'a', o.aSpansPerRequest, aEveryMs, o.phaseMs),
      paced(url, KEYS.b, runId, 'b-under-load', o.spansPerRequest, bEveryMs, o.phaseMs),
    ])
    return {
      a: {
        requests: a.requests,
        statuses: a.statuses,
        missingRetryAfter: a.missingRetryAfter,
        acceptedSpans: a.acceptedSpans,
        sentSpansPerSecond: (a.requests * o.aSpansPerRequest * 1000) / o.phaseMs,
      },
      b: {
        baselineP99Ms: quantile(baseline.latenciesMs, 0.99),
        underLoadP99Ms: quantile(b.latenciesMs, 0.99),
        baselineP50Ms: quantile(baseline.latenciesMs, 0.5),
        underLoadP50Ms: quantile(b.latenciesMs, 0.5),
        statuses: { ...Object.fromEntries(Object.entries(baseline.statuses).map(([k, v]) => [k, v + (b.statuses[Number(k)] ?? 0)])), ...Object.fromEntries(Object.entries(b.statuses).filter(([k]) => !(k in baseline.statuses))) },
      },
      durationMs: Date.now() - started,
    }
  } finally {
    await collector?.kill()
    ws.remove()
  }
}
