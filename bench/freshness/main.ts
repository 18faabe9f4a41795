/**
 * `node --import tsx bench/freshness/main.ts [--quick]`: freshness, span end → queryable, through
 * the whole pipeline (OTLP protobuf → collector → local log → ingest → ClickHouse; the pipeline
 * in its own process, bench/e2e/pipeline.ts) at half its maximum rate.
 *
 *   1. maximum rate: MAX_SPANS spans posted back to back (8 in flight), timed to the last row
 *      acknowledged, count verified;
 *   2. half that rate, open loop for LOAD_MS: requests of SPANS_PER_REQUEST spans whose end
 *      timestamps are set at send time (Date.now), each request's spans named `fresh-<seq>`;
 *      a poller in the pipeline process asks ClickHouse every POLL_MS which `fresh-*` names it
 *      can see and keeps the first time it saw each. Freshness = first seen − span end, per
 *      request; p50/p99/max over all requests (the poll period bounds the resolution).
 * Goal: p99 ≤ 5 s. Ingest runs with its production settings (inserts ≥ 1 s apart per partition).
 */
import { Agent } from 'node:http'
import { encodeTraces, keyValuesOf, SpanKind, type Span, type TracesRequest } from '@periscope/model'
import { median, quantile, report, type BenchRow } from '../lib/measure.ts'
import { post, postAll, startPipeline } from '../e2e/harness.ts'

const quick = process.argv.includes('--quick')
const MAX_SPANS = quick ? 20_000 : 60_000
const LOAD_MS = quick ? 10_000 : 30_000
const SPANS_PER_REQUEST = 50
const POLL_MS = 100
const SCENARIO_BUDGET_MS = 120_000

function id(n: number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes)
  new DataView(out.buffer).setUint32(bytes - 4, n >>> 0)
  out[0] = 1 + (n % 200)
  return out
}

/** One trace per request: a server span and its children, all ending by `endNs`. */
function request(seq: number, name: string, endNs: bigint): TracesRequest {
  const spans: Span[] = []
  for (let i = 0; i < SPANS_PER_REQUEST; i++) {
    const durationNs = BigInt(1_000_000 + i * 10_000)
    spans.push({
      traceId: id(seq, 16),
      spanId: id(seq * SPANS_PER_REQUEST + i, 8),
      traceState: '',
      parentSpanId: i === 0 ? new Uint8Array(0) : id(seq * SPANS_PER_REQUEST, 8),
      flags: 1,
      name,
      kind: i === 0 ? SpanKind.SERVER : SpanKind.CLIENT,
      startTimeUnixNano: endNs - durationNs,
      endTimeUnixNano: endNs,
      attributes: keyValuesOf({ 'http.request.method': 'GET', 'http.route': '/api/cart/{id}', 'http.response.status_code': 200, seq: i }),
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: 0, message: '' },
    })
  }
  return {
    resourceSpans: [
      {
        resource: { attributes: keyValuesOf({ 'service.name': 'cart', 'host.name': 'node-7' }), droppedAttributesCount: 0, entityRefs: [] },
        scopeSpans: [{ scope: { name: 'bench', version: '1', attributes: [], droppedAttributesCount: 0 }, spans, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  }
}

const pipeline = await startPipeline('local')
const rows: BenchRow[] = []
try {
  const started = Date.now()
  // 1. maximum rate
  const nowNs = BigInt(Date.now()) * 1_000_000n
  const maxBodies = Array.from({ length: MAX_SPANS / SPANS_PER_REQUEST }, (_, i) => encodeTraces(request(i, 'GET /api/cart/{id}', nowNs), 'protobuf'))
  const t0 = Date.now()
  await postAll(pipeline, maxBodies, 8, started + SCENARIO_BUDGET_MS)
  const { atMs } = await pipeline.call<{ atMs: number }>('waitLanded', { table: 'otel_traces', target: MAX_SPANS, timeoutMs: SCENARIO_BUDGET_MS })
  const maxRate = (MAX_SPANS * 1000) / (atMs - t0)
  const stored = await pipeline.call<number>('count', { table: 'otel_traces', tenantId: pipeline.tenantId })
  if (stored !== MAX_SPANS) throw new Error(`maximum rate: ${stored} spans stored of ${MAX_SPANS}`)
  console.log(`maximum rate ${Math.round(maxRate)} spans/s; freshness at ${Math.round(maxRate / 2)} spans/s for ${LOAD_MS} ms`)

  // 2. half the maximum rate, open loop
  const requestsPerSecond = maxRate / 2 / SPANS_PER_REQUEST
  const total = Math.max(1, Math.floor((LOAD_MS / 1000) * requestsPerSecond))
  const endMs = new Map<string, number>()
  const agent = new Agent({ keepAlive: true, maxSockets: 16 })
  await pipeline.call('pollStart', { intervalMs: POLL_MS })
  const load0 = performance.now()
  const pending: Promise<number>[] = []
  for (let n = 0; n < total; n++) {
    const waitMs = load0 + (n * 1000) / requestsPerSecond - performance.now()
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs))
    const name = `fresh-${n}`
    const sentMs = Date.now()
    endMs.set(name, sentMs)
    pending.push(post(agent, pipeline, '/v1/traces', encodeTraces(request(1_000_000 + n, name, BigInt(sentMs) * 1_000_000n), 'protobuf')))
  }
  const statuses = await Promise.all(pending)
  agent.destroy()
  const refused = statuses.filter((s) => s !== 200).length
  await pipeline.call('waitLanded', { table: 'otel_traces', target: MAX_SPANS + (total - refused) * SPANS_PER_REQUEST, timeoutMs: Math.max(5000, started + SCENARIO_BUDGET_MS - Date.now()) })
  // one more poll period so the poller sees the last insert
  await new Promise((r) => setTimeout(r, 2 * POLL_MS))
  const seen = await pipeline.call<Record<string, number>>('pollStop')
  const freshnessMs: number[] = []
  for (const [name, end] of endMs) if (seen[name] !== undefined) freshnessMs.push(seen[name] - end)
  rows.push(
    { scenario: 'freshness, local log', metric: 'maximum rate (count verified)', value: maxRate, unit: 'spans/s' },
    { scenario: 'freshness, local log', metric: 'offered rate (half the maximum)', value: (total * SPANS_PER_REQUEST * 1000) / LOAD_MS, unit: 'spans/s' },
    { scenario: 'freshness, local log', metric: 'requests refused (429/503)', value: refused, unit: 'requests' },
    { scenario: 'freshness, local log', metric: 'requests seen / accepted', value: freshnessMs.length / Math.max(1, total - refused), unit: 'ratio', goal: '>= 1' },
    { scenario: 'freshness, local log', metric: 'span end → queryable p50', value: median(freshnessMs), unit: 'ms' },
    { scenario: 'freshness, local log', metric: 'span end → queryable p99', value: quantile(freshnessMs, 0.99), unit: 'ms', goal: '<= 5000' },
    { scenario: 'freshness, local log', metric: 'span end → queryable max', value: Math.max(...freshnessMs), unit: 'ms' },
  )
} finally {
  await pipeline.stop()
}
report('freshness', rows)
