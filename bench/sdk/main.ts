/**
 * `npm run bench:sdk` — process CPU per span of @periscope/sdk, in µs.
 *
 * Every scenario runs the real SDK (init(): NodeSDK, the counting batch pipeline and the
 * OTLP/HTTP JSON exporter) against a sink in a child process, so export serialisation and HTTP
 * are counted in this process while the receiver's CPU is not. A run ends spans in chunks of
 * 1,000, waits (idle) whenever the export queue is half full, and finishes with forceFlush(), so
 * every span it made has been exported, none dropped, when its CPU is read. Spans carry the six attributes of a typical HTTP server span. Log lines go through the
 * SDK's logger (pino JSON, redaction, correlation mixin) into an output with no sinks, so the
 * write syscall is not counted — serialisation is.
 *
 * Scenarios (median of RUNS runs of SPANS spans each, after one warm-up run):
 *   noop span            the OpenTelemetry API before init()
 *   sdk floor            the OpenTelemetry SDK's own span start + end + batch processor with an
 *                        exporter that does nothing: what no exporter or logger can go below
 *   span                 start + end + batch + export
 *   span + correlation   the above plus the logger's correlation lookup (trace_id, span_id,
 *                        request_id) inside the span — what the goal (≤ 3 µs) is about
 *   span + log line      the above with a whole correlated, redacted log line written
 *   log line             one correlated log line, no span (informative)
 *   sampled 10 %         span + correlation with sampleRatio 0.1 (the lever for hot services)
 */
import { spawn } from 'node:child_process'
import { context, trace, type Attributes, type Tracer } from '@opentelemetry/api'
import { correlationFields, init, withRequestId, type Periscope, type PeriscopeOptions } from '@periscope/sdk'
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

async function runOnce(target: Target, body: Body): Promise<number> {
  const { tracer, periscope } = target
  const sample = await measureCpu(async () => {
    await withRequestId('bench-request', async () => {
      for (let done = 0; done < SPANS; done += CHUNK) {
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

async function scenario(name: string, target: Target, body: Body): Promise<number> {
  await runOnce(target, body)
  const runs: number[] = []
  for (let r = 0; r < RUNS; r++) runs.push(await runOnce(target, body))
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
      maxQueueSize: MAX_QUEUE,
      maxExportBatchSize: 512,
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
results['noop span'] = await scenario('noop span', { tracer: trace.getTracer('bench') }, bodies['noop span']!)

const nullExporter: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: () => Promise.resolve() }
const floorProvider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(nullExporter, { maxQueueSize: MAX_QUEUE, maxExportBatchSize: 512 })] })
results['sdk floor'] = await scenario('sdk floor', { tracer: floorProvider.getTracer('bench'), flush: () => floorProvider.forceFlush() }, bodies.span!)
await floorProvider.shutdown()

let dropped = 0
let exported = 0
const periscope = startSdk(sink.url)
const target: Target = { tracer: trace.getTracer('bench'), periscope }
for (const name of ['span', 'span + correlation', 'span + log line'] as const) {
  results[name] = await scenario(name, target, bodies[name]!)
}
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
let text = await periscope.metrics.text()
dropped += counterTotal(text, 'periscope_sdk_spans_dropped_total')
exported += counterTotal(text, 'periscope_sdk_spans_exported_total')
await periscope.shutdown()

const sampled = startSdk(sink.url, { sampleRatio: 0.1 })
results['sampled 10 %'] = await scenario('span + correlation at sampleRatio 0.1', { tracer: trace.getTracer('bench'), periscope: sampled }, bodies['span + correlation']!)
text = await sampled.metrics.text()
dropped += counterTotal(text, 'periscope_sdk_spans_dropped_total')
exported += counterTotal(text, 'periscope_sdk_spans_exported_total')
await sampled.shutdown()
sink.stop()

const rows: BenchRow[] = [
  { scenario: 'noop span (API before init)', metric: 'cpu_per_span', value: results['noop span']!, unit: 'µs' },
  { scenario: 'OTel SDK floor: start+end+batch, null exporter', metric: 'cpu_per_span', value: results['sdk floor']!, unit: 'µs' },
  { scenario: 'span: start+end+batch+OTLP/HTTP protobuf export', metric: 'cpu_per_span', value: results.span!, unit: 'µs' },
  { scenario: 'span + logger correlation', metric: 'cpu_per_span', value: results['span + correlation']!, unit: 'µs', goal: '<= 3' },
  { scenario: 'span + correlated log line (pino JSON, redaction)', metric: 'cpu_per_span', value: results['span + log line']!, unit: 'µs' },
  { scenario: 'correlated log line, no span', metric: 'cpu_per_line', value: results['log line']!, unit: 'µs' },
  { scenario: 'span + correlation, sampleRatio 0.1', metric: 'cpu_per_span', value: results['sampled 10 %']!, unit: 'µs' },
  { scenario: 'export share of a span (span - floor) / span', metric: 'ratio', value: (results.span! - results['sdk floor']!) / results.span!, unit: 'x' },
  { scenario: 'spans dropped during the benchmark', metric: 'dropped', value: dropped, unit: `spans (${exported} exported)` },
]
report('sdk', rows)
if (dropped > 0) console.warn('spans were dropped during the benchmark: the figures are not comparable')
