/**
 * Bench data made inside the engine with INSERT … SELECT FROM numbers() (no rows through Node):
 * traces of a demo shop over the last `hours`, 5 spans each —
 *
 *   span 0  <frontend>  SERVER    GET /checkout | GET /products | GET /cart   (root)
 *   span 1  <frontend>  CLIENT    POST /api/<backend>
 *   span 2  <backend>   SERVER    POST /api/<backend>
 *   span 3  <backend>   INTERNAL  SELECT <table>
 *   span 4  <worker>    CONSUMER  <worker> process
 *
 * over 10 services, 20 hosts, log-uniform durations from 50 µs to 3 s, ~3 % errors; and one log
 * record per span (INFO, or ERROR with "payment declined … card_declined" for failed spans),
 * with the span's trace and span ids. Ids are hashes of the row number, so a trace id can be
 * recomputed from its index (traceIdSql).
 *
 * Chunks are consecutive slices of the window, newest first, as ingest would write them (each
 * part holds its own stretch of time, so a 1 h query reads one part, not all): a run the time
 * budget cuts short has the newest hours and lacks the oldest — the bench reports the rows it
 * made. A trace's spans (and their logs) are all in its chunk. The trace index and golden-signal rollups fill
 * through their materialized views, as with real ingest. Every random choice is a cityHash64 of
 * the row or trace number (a third less CPU than sipHash64; the SELECT is ~40 % of an insert's).
 */
import type { Store } from '@periscope/store'

export const SPANS_PER_TRACE = 5

const FRONTENDS = "['frontend', 'frontend', 'web-gateway']"
const BACKENDS = "['checkout', 'cart', 'catalog', 'shipping', 'recommendation']"
const WORKERS = "['payments', 'email', 'payments']"
const ROOTS = "['GET /checkout', 'GET /products', 'GET /cart']"

/** 32 lowercase hex characters of trace index `t` (an SQL expression). */
export function traceIdSql(t: string): string {
  return `concat(leftPad(lower(hex(cityHash64(${t}, 1))), 16, '0'), leftPad(lower(hex(cityHash64(${t}, 2))), 16, '0'))`
}

function spanIdSql(n: string): string {
  return `leftPad(lower(hex(cityHash64(${n}, 3))), 16, '0')`
}

export interface ChunkOptions {
  tenantId: string
  /** chunk c of `chunks`: the c-th slice of the traces counted from the newest */
  chunk: number
  chunks: number
  traces: number
  endNs: bigint
  hours: number
}

/** The traces [from, to) of chunk c: slice C − 1 − c of ⌈traces / C⌉ traces (trace t starts at t / traces of the window). */
export function chunkTraces(chunk: number, chunks: number, traces: number): { from: number; to: number } {
  const per = Math.ceil(traces / chunks)
  const slice = chunks - 1 - chunk
  return { from: Math.min(traces, slice * per), to: Math.min(traces, (slice + 1) * per) }
}

/** The span numbers of a chunk (span n = trace n / SPANS_PER_TRACE, its n % SPANS_PER_TRACE-th span). */
function chunkNumbers(options: ChunkOptions): string {
  const { from, to } = chunkTraces(options.chunk, options.chunks, options.traces)
  return `numbers(${from * SPANS_PER_TRACE}, ${(to - from) * SPANS_PER_TRACE})`
}

/** INSERT of the spans of one chunk of a run with `traces` traces ending at endNs. */
export function spansInsertSql(options: ChunkOptions): string {
  const windowNs = BigInt(options.hours) * 3_600_000_000_000n
  const startNs = options.endNs - windowNs
  return `INSERT INTO otel_traces (TenantId, Timestamp, TraceId, SpanId, ParentSpanId, TraceFlags, SpanName, SpanKind, ServiceName,
  ResourceAttributes, ScopeName, ScopeVersion, SpanAttributes, Duration, StatusCode, StatusMessage)
SETTINGS async_insert = 0, insert_deduplicate = 0, max_insert_threads = 2
SELECT
  '${options.tenantId}' AS TenantId,
  fromUnixTimestamp64Nano(toInt64(${startNs} + intDiv(toInt128(t) * ${windowNs}, ${options.traces}) + i * 1000000 + (cityHash64(t, 9) % 1000000)), 'UTC') AS Timestamp,
  ${traceIdSql('t')} AS TraceId,
  ${spanIdSql('n')} AS SpanId,
  if(i = 0, '', ${spanIdSql('n - 1')}) AS ParentSpanId,
  1 AS TraceFlags,
  multiIf(i = 0, ${ROOTS}[1 + t % 3], i <= 2, concat('POST /api/', backend), i = 3, concat('SELECT ', backend), concat(worker, ' process')) AS SpanName,
  multiIf(i = 0, 'SPAN_KIND_SERVER', i = 1, 'SPAN_KIND_CLIENT', i = 2, 'SPAN_KIND_SERVER', i = 3, 'SPAN_KIND_INTERNAL', 'SPAN_KIND_CONSUMER') AS SpanKind,
  multiIf(i <= 1, frontend, i <= 3, backend, worker) AS ServiceName,
  map('service.name', ServiceName, 'host.name', concat('node-', toString(cityHash64(t, i) % 20)), 'k8s.pod.name', concat(ServiceName, '-', toString(cityHash64(t, i) % 20))) AS ResourceAttributes,
  'bench' AS ScopeName,
  '1.0.0' AS ScopeVersion,
  map('http.request.method', if(i = 0, 'GET', 'POST'), 'user.tier', if(cityHash64(t, 7) % 5 = 0, 'gold', 'basic'), 'order.id', toString(t)) AS SpanAttributes,
  toUInt64(exp(log(50000) + (cityHash64(n, 4) % 1000000) / 1000000 * log(60000))) AS Duration,
  if(cityHash64(n, 5) % 100 < 3, 'STATUS_CODE_ERROR', 'STATUS_CODE_UNSET') AS StatusCode,
  if(StatusCode = 'STATUS_CODE_ERROR', 'failed', '') AS StatusMessage
FROM
(
  SELECT number AS n, intDiv(number, ${SPANS_PER_TRACE}) AS t, number % ${SPANS_PER_TRACE} AS i,
         ${FRONTENDS}[1 + cityHash64(intDiv(number, ${SPANS_PER_TRACE}), 11) % 3] AS frontend,
         ${BACKENDS}[1 + cityHash64(intDiv(number, ${SPANS_PER_TRACE}), 12) % 5] AS backend,
         ${WORKERS}[1 + cityHash64(intDiv(number, ${SPANS_PER_TRACE}), 13) % 3] AS worker
  FROM ${chunkNumbers(options)}
)`
}

/** INSERT of the log records of one chunk: record n belongs to span n. */
export function logsInsertSql(options: ChunkOptions): string {
  const windowNs = BigInt(options.hours) * 3_600_000_000_000n
  const startNs = options.endNs - windowNs
  return `INSERT INTO otel_logs (TenantId, Timestamp, ObservedTimestamp, TraceId, SpanId, TraceFlags, SeverityText, SeverityNumber, ServiceName, Body,
  ResourceAttributes, ScopeName, LogAttributes)
SETTINGS async_insert = 0, insert_deduplicate = 0, max_insert_threads = 2
SELECT
  '${options.tenantId}' AS TenantId,
  fromUnixTimestamp64Nano(toInt64(${startNs} + intDiv(toInt128(t) * ${windowNs}, ${options.traces}) + i * 1000000 + (cityHash64(t, 9) % 1000000) + 500000), 'UTC') AS Timestamp,
  Timestamp AS ObservedTimestamp,
  ${traceIdSql('t')} AS TraceId,
  ${spanIdSql('n')} AS SpanId,
  1 AS TraceFlags,
  if(failed, 'ERROR', 'INFO') AS SeverityText,
  if(failed, 17, 9) AS SeverityNumber,
  multiIf(i <= 1, frontend, i <= 3, backend, worker) AS ServiceName,
  if(failed, concat('payment declined for order ', toString(t), ': card_declined'),
     concat(['served request', 'cache miss for key', 'query finished', 'message handled', 'rendered page'][1 + i], ' order ', toString(t), ' in ', toString(cityHash64(n, 4) % 3000), ' ms')) AS Body,
  map('service.name', ServiceName, 'host.name', concat('node-', toString(cityHash64(t, i) % 20))) AS ResourceAttributes,
  'bench' AS ScopeName,
  map('order.id', toString(t)) AS LogAttributes
FROM
(
  SELECT number AS n, intDiv(number, ${SPANS_PER_TRACE}) AS t, number % ${SPANS_PER_TRACE} AS i,
         cityHash64(number, 5) % 100 < 3 AS failed,
         ${FRONTENDS}[1 + cityHash64(intDiv(number, ${SPANS_PER_TRACE}), 11) % 3] AS frontend,
         ${BACKENDS}[1 + cityHash64(intDiv(number, ${SPANS_PER_TRACE}), 12) % 5] AS backend,
         ${WORKERS}[1 + cityHash64(intDiv(number, ${SPANS_PER_TRACE}), 13) % 3] AS worker
  FROM ${chunkNumbers(options)}
)`
}

/**
 * Inserts chunks 0, 1, … of `chunks`, calling `progress` after each, and stops early (keeping
 * whole chunks) once `budgetMs` has passed; returns the wall time in ms and the chunks made.
 * The rows made are reported by the bench from system.parts, so a shortened run says so.
 */
export async function generate(store: Store, sqlOf: (chunk: number) => string, chunks: number, progress: (done: number) => void, budgetMs: number): Promise<{ wallMs: number; chunks: number }> {
  const t0 = performance.now()
  let done = 0
  while (done < chunks && performance.now() - t0 < budgetMs) {
    await store.client.command({ query: sqlOf(done) })
    progress(++done)
  }
  return { wallMs: performance.now() - t0, chunks: done }
}
