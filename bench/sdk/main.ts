/**
 * `npm run bench:sdk` — process CPU per span of @periscope/sdk, in µs.
 *
 * Every scenario runs the real SDK (init(): NodeSDK, the counting batch pipeline with the batch
 * span processor, the default OTLP/HTTP protobuf exporter) against a sink in a child process, so
 * export serialisation and HTTP are counted in this process while the receiver's CPU is not. A
 * run ends spans in chunks of 1,000, waits (idle) whenever the export queue is half full, and
 * finishes with forceFlush(), so every span it made has been exported, none dropped, when its CPU
 * is read. Process CPU counts every thread (V8's garbage-collection and compiler helpers too).
 * Spans carry the attributes of a typical HTTP server span. Log lines go through the SDK's logger
 * (pino JSON, redaction, correlation mixin) into an output with no sinks, so the write syscall is
 * not counted — serialisation is.
 *
 * Scenarios (median of RUNS runs of SPANS spans each, after one warm-up run):
 *   noop span            the OpenTelemetry API before init()
 *   sdk floor            the OpenTelemetry SDK's own span start + end + batch processor with an
 *                        exporter that does nothing: what no exporter or logger can go below
 *   request floor        the same for the request below (server + child span, no request id, no
 *                        correlation): the OpenTelemetry SDK's share of it
 *   span                 start + end + batch + export
 *   span + correlation   the above plus the logger's correlation lookup (trace_id, span_id,
 *                        request_id) inside the span
 *   request              what a served request costs, per span — what the goal (≤ 3 µs) is
 *                        about: its own request id (as the SDK's propagator sets one per incoming
 *                        request), a SERVER span with the usual http attributes (its url.path one of
 *                        1,000), the correlation lookup inside it and a CLIENT child span (a
 *                        database call with its attributes); CPU / 2 spans
 *   span + log line      span + correlation with a whole correlated, redacted log line written
 *   log line             one correlated log line, no span (informative)
 *   sampled 10 %         the request with sampleRatio 0.1 (the lever for hot services)
 *
 * `--only <names>` runs only the scenarios named (comma-separated: noop span, sdk floor, request
 * floor, span, span + correlation, request, span + log line, log line, sampled), e.g. for
 * profiling: `node --cpu-prof --import tsx bench/sdk/main.ts --only request`.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { context, SpanKind, trace, type Attributes, type Tracer } from '@opentelemetry/api'
import { correlationFields, init, withRequestId, type Periscope, type PeriscopeOptions } from '@periscope/sdk'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BatchSpanProcessor, NodeTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-node'
import { measureCpu, median, report, type BenchRow } from '../lib/measure.ts'

const SPANS = 100_000
const RUNS = 5
const CHUNK = 1_000
const MAX_QUEUE = 16_384
const ATTRIBUTES: Attributes = {
  'http.request.method': 'GET',
  'http.route': '/api/products/:sku',
  'url.path': '/api/products/trace-tee',
  'server.address': '127.0.0.1',
  'http.response.status_code': 200,
  'user_agent.original': 'bench/1.0',
}
/** Per request: the server span's attributes with one of 1,000 paths, and a request id (UUID-like, never repeating within a run's window). */
const REQUEST_ATTRIBUTES: Attributes[] = Array.from({ length: 1_000 }, (_, i) => ({
  ...ATTRIBUTES,
  'url.path': `/api/products/sku-${String(i).padStart(6, '0')}`,
  'http.request.method': 'GET',
  'url.scheme': 'http',
  'network.protocol.version': '1.1',
}))
const REQUEST_IDS: string[] = Array.from({ length: 8_192 }, (_, i) => `7d3c${String(i).padStart(4, '0')}-9a41-4c2e-b5f0-5e8a1f2b${String(i).padStart(4, '0')}`)
const CHILD_ATTRIBUTES: Attributes = {
  'db.system.name': 'postgresql',
  'db.operation.name': 'SELECT',
  'db.collection.name': 'products',
  'server.address': 'db.internal',
  'server.port': 5432,
}
const { values: args } = parseArgs({ options: { only: { type: 'string' } } })
const only = args.only?.split(',').map((name) => name.trim())
const selected = (name: string): boolean => only === undefined || only.includes(name)

/** An OTLP/HTTP receiver in its own process: answers 200 to everything. */
async function startSink(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      "require('http').createServer((q,s)=>{q.resume();q.on('end',()=>s.writeHead(200,{'content-type':'application/json'}).end('{}'))}).listen(0,'127.0.0.1',function(){console.log(this.address().port)})",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const port = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())))
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') }
}

type Body = (tracer: Tracer, periscope: Periscope | undefined, i: number) => void

/** One served request: a SERVER span and its CLIENT child, with or without the SDK's request id and correlation. */
function request(tracer: Tracer, i: number, correlate: boolean): void {
  const span = tracer.startSpan('GET /api/products/:sku', { kind: SpanKind.SERVER, attributes: REQUEST_ATTRIBUTES[i % REQUEST_ATTRIBUTES.length] })
  context.with(trace.setSpan(context.active(), span), () => {
    if (correlate && correlationFields().trace_id === undefined) throw new Error('no correlation')
    tracer.startSpan('SELECT products', { kind: SpanKind.CLIENT, attributes: CHILD_ATTRIBUTES }).end()
  })
  span.end()
}

const bodies: Record<string, Body> = {
  'noop span': (tracer) => {
    tracer.startSpan('GET /api/products/:sku', { attributes: ATTRIBUTES }).end()
  },
  span: (tracer) => {
    tracer.startSpan('GET /api/products/:sku', { attributes: ATTRIBUTES }).end()
  },
  'span + correlation': (tracer) => {
    const span = tracer.startSpan('GET /api/products/:sku', { attributes: ATTRIBUTES })
    context.with(trace.setSpan(context.active(), span), () => {
      if (correlationFields().trace_id === undefined) throw new Error('no correlation')
    })
    span.end()
  },
  'request floor': (tracer, _periscope, i) => request(tracer, i, false),
  request: (tracer, _periscope, i) => withRequestId(REQUEST_IDS[i % REQUEST_IDS.length], () => request(tracer, i, true)),
  'span + log line': (tracer, periscope, i) => {
    const span = tracer.startSpan('GET /api/products/:sku', { attributes: ATTRIBUTES })
    context.with(trace.setSpan(context.active(), span), () => {
      periscope!.logger.info({ sku: 'trace-tee', n: i }, 'product served')
    })
    span.end()
  },
}

interface Target {
  tracer: Tracer
  periscope?: Periscope
  flush?: () => Promise<void>
}

/** Spans one call of a body makes. */
const SPANS_PER_CALL: Record<string, number> = { 'request floor': 2, request: 2 }

async function runOnce(target: Target, body: Body, spansPerCall: number): Promise<number> {
  const { tracer, periscope } = target
  const calls = SPANS / spansPerCall
  const sample = await measureCpu(async () => {
    await withRequestId('bench-request', async () => {
      for (let done = 0; done < calls; done += CHUNK) {
        for (let i = 0; i < CHUNK; i++) body(tracer, periscope, done + i)
        // let the batch processor's exports go out while we produce; when they fall behind, wait
        // (idle, not counted as CPU) rather than measure the cost of dropping
        await new Promise((r) => setImmediate(r))
        while (periscope !== undefined && periscope.pendingSpans() > MAX_QUEUE / 2) await new Promise((r) => setTimeout(r, 1))
      }
    })
    await (target.flush ?? periscope?.forceFlush)?.()
  })
  return (sample.cpuMs * 1000) / SPANS
}

async function scenario(name: string, target: Target, body: Body, spansPerCall = 1): Promise<number> {
  await runOnce(target, body, spansPerCall)
  const runs: number[] = []
  for (let r = 0; r < RUNS; r++) runs.push(await runOnce(target, body, spansPerCall))
  const us = median(runs)
  console.log(`${name}: ${us.toFixed(3)} µs/span (runs: ${runs.map((x) => x.toFixed(2)).join(', ')})`)
  return us
}

function startSdk(endpoint: string, over: PeriscopeOptions = {}): Periscope {
  return init(
    {
      serviceName: 'bench',
      endpoint,
      logToStdout: false,
      metricsPort: 0,
      handleSignals: false,
      // a queue larger than the default, so that a burst of CHUNK requests never drops; the
      // batch size is the SDK's default
      maxQueueSize: MAX_QUEUE,
      instrumentations: { http: false, undici: false, express: false, fastify: false, kafkajs: false },
      ...over,
    },
    {},
  )
}

/** Sum of every sample of a counter in the exposition text. */
function counterTotal(text: string, name: string): number {
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0)
}

const sink = await startSink()
const results: Record<string, number> = {}
if (selected('noop span')) results['noop span'] = await scenario('noop span', { tracer: trace.getTracer('bench') }, bodies['noop span']!)

const nullExporter: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: () => Promise.resolve() }
for (const [name, body] of [['sdk floor', 'span'], ['request floor', 'request floor']] as const) {
  if (!selected(name)) continue
  const floorProvider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(nullExporter, { maxQueueSize: MAX_QUEUE, maxExportBatchSize: 512 })] })
  // the context manager NodeSDK installs, so that the child span has its parent as in the SDK
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  results[name] = await scenario(name, { tracer: floorProvider.getTracer('bench'), flush: () => floorProvider.forceFlush() }, bodies[body]!, SPANS_PER_CALL[body])
  context.disable()
  await floorProvider.shutdown()
}

let dropped = 0
let exported = 0
const countSpans = async (p: Periscope): Promise<void> => {
  const text = await p.metrics.text()
  dropped += counterTotal(text, 'periscope_sdk_spans_dropped_total')
  exported += counterTotal(text, 'periscope_sdk_spans_exported_total')
}
const periscope = startSdk(sink.url)
const target: Target = { tracer: trace.getTracer('bench'), periscope }
for (const name of ['span', 'span + correlation', 'request', 'span + log line'] as const) {
  if (selected(name)) results[name] = await scenario(name, target, bodies[name]!, SPANS_PER_CALL[name])
}
if (selected('log line')) {
  // a log line without any span: the logger's own cost, for reading the rows above
  const logRuns: number[] = []
  for (let r = 0; r <= RUNS; r++) {
    const s = await measureCpu(() =>
      withRequestId('bench-request', () => {
        for (let i = 0; i < SPANS; i++) periscope.logger.info({ sku: 'trace-tee', n: i }, 'product served')
      }),
    )
    if (r > 0) logRuns.push((s.cpuMs * 1000) / SPANS)
  }
  results['log line'] = median(logRuns)
  console.log(`log line: ${results['log line']!.toFixed(3)} µs/line`)
}
await countSpans(periscope)
await periscope.shutdown()

if (selected('sampled')) {
  const sampled = startSdk(sink.url, { sampleRatio: 0.1 })
  results['sampled 10 %'] = await scenario('request at sampleRatio 0.1', { tracer: trace.getTracer('bench'), periscope: sampled }, bodies.request!, SPANS_PER_CALL.request)
  await countSpans(sampled)
  await sampled.shutdown()
}
sink.stop()

const row = (name: string, scenario: string, metric: string, extra: Partial<BenchRow> = {}): BenchRow[] =>
  results[name] === undefined ? [] : [{ scenario, metric, value: results[name]!, unit: 'µs', ...extra }]
const rows: BenchRow[] = [
  ...row('noop span', 'noop span (API before init)', 'cpu_per_span'),
  ...row('sdk floor', 'OTel SDK floor: start+end+batch, null exporter', 'cpu_per_span'),
  ...row('request floor', 'OTel SDK floor of a request (server+child), null exporter', 'cpu_per_span'),
  ...row('span', 'span: start+end+batch+OTLP/HTTP protobuf export', 'cpu_per_span'),
  ...row('span + correlation', 'span + logger correlation', 'cpu_per_span', { goal: '<= 3' }),
  ...row('request', 'request: request id, server span + child span, correlation, export', 'cpu_per_span', { goal: '<= 3' }),
  ...row('span + log line', 'span + correlated log line (pino JSON, redaction)', 'cpu_per_span'),
  ...row('log line', 'correlated log line, no span', 'cpu_per_line'),
  ...row('sampled 10 %', 'request, sampleRatio 0.1', 'cpu_per_span'),
]
if (results.span !== undefined && results['sdk floor'] !== undefined) {
  rows.push({ scenario: 'export share of a span (span - floor) / span', metric: 'ratio', value: (results.span - results['sdk floor']) / results.span, unit: 'x' })
}
if (results.request !== undefined && results['request floor'] !== undefined) {
  rows.push({ scenario: 'SDK share of a request (request - floor) / request', metric: 'ratio', value: (results.request - results['request floor']) / results.request, unit: 'x' })
}
rows.push({ scenario: 'spans dropped during the benchmark', metric: 'dropped', value: dropped, unit: `spans (${exported} exported)` })
// a partial run (--only) is printed but not recorded
report('sdk', rows, args.only === undefined ? undefined : mkdtempSync(join(tmpdir(), 'bench-sdk-')))
if (dropped > 0) console.warn('spans were dropped during the benchmark: the figures are not comparable')
