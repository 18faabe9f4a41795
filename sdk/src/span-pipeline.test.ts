import { decodeTraces } from '@periscope/model'
import { context, trace } from '@opentelemetry/api'
import { ExportResultCode, type ExportResult } from '@opentelemetry/core'
import { AlwaysOffSampler, NodeTracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withRequestId } from './request-id.ts'
import { createSpanPipeline, MAX_EXPORTS_IN_FLIGHT, type EncodedRequestSender, type SpanPipelineOptions } from './span-pipeline.ts'

/** An exporter whose exports settle only when the test says so. */
function heldExporter() {
  const calls: Array<{ spans: ReadableSpan[]; done: (r: ExportResult) => void }> = []
  const exporter: SpanExporter = {
    export: (spans, done) => void calls.push({ spans, done }),
    shutdown: () => Promise.resolve(),
  }
  return { exporter, calls }
}

function recorder() {
  const counts = { exported: 0, queue_full: 0, export_failed: 0 }
  const events: string[] = []
  return {
    counts,
    events,
    options: (exporter: SpanExporter | EncodedRequestSender, over: Partial<SpanPipelineOptions> = {}): SpanPipelineOptions => ({
      exporter,
      metrics: {
        spansExported: (n) => void (counts.exported += n),
        spansDropped: (reason, n) => void (counts[reason] += n),
      },
      maxQueueSize: 5,
      maxExportBatchSize: 5,
      scheduledDelayMs: 60_000,
      exportTimeoutMs: 60_000,
      onExportFailing: () => void events.push('failing'),
      onExportRecovered: (n) => void events.push(`recovered after ${n}`),
      ...over,
    }),
  }
}

function endSpans(provider: NodeTracerProvider, n: number): void {
  const tracer = provider.getTracer('test')
  for (let i = 0; i < n; i++) tracer.startSpan(`s${i}`).end()
}

const registered = new NodeTracerProvider()
beforeAll(() => registered.register())
afterAll(() => {
  trace.disable()
  context.disable()
})

describe('span pipeline, http/json (batch span processor)', () => {
  it('counts exported spans and leaves nothing pending', async () => {
    const { exporter, calls } = heldExporter()
    const rec = recorder()
    const pipeline = createSpanPipeline(rec.options(exporter, { maxQueueSize: 10 }))
    const provider = new NodeTracerProvider({ spanProcessors: [pipeline.processor] })
    endSpans(provider, 3)
    const flushed = pipeline.processor.forceFlush()
    expect(calls).toHaveLength(1)
    expect(calls[0]!.spans).toHaveLength(3)
    calls[0]!.done({ code: ExportResultCode.SUCCESS })
    await flushed
    expect(rec.counts).toEqual({ exported: 3, queue_full: 0, export_failed: 0 })
    expect(pipeline.pendingSpans()).toBe(0)
  })

  it('drops and counts spans beyond the queue bound while exports are outstanding, and recovers', () => {
    const { exporter, calls } = heldExporter()
    const rec = recorder()
    const pipeline = createSpanPipeline(rec.options(exporter))
    const provider = new NodeTracerProvider({ spanProcessors: [pipeline.processor] })
    endSpans(provider, 8)
    expect(pipeline.pendingSpans()).toBe(5)
    expect(rec.counts.queue_full).toBe(3)
    // a full batch is exported at once
    expect(calls).toHaveLength(1)
    calls[0]!.done({ code: ExportResultCode.SUCCESS })
    expect(pipeline.pendingSpans()).toBe(0)
    endSpans(provider, 2)
    expect(pipeline.pendingSpans()).toBe(2)
    expect(rec.counts).toEqual({ exported: 5, queue_full: 3, export_failed: 0 })
  })

  it('counts failed exports as drops and reports the failing and recovered transitions once each', async () => {
    const { exporter, calls } = heldExporter()
    const rec = recorder()
    const pipeline = createSpanPipeline(rec.options(exporter))
    const provider = new NodeTracerProvider({ spanProcessors: [pipeline.processor] })
    for (const outcome of [ExportResultCode.FAILED, ExportResultCode.FAILED, ExportResultCode.SUCCESS]) {
      endSpans(provider, 2)
      const flushed = pipeline.processor.forceFlush()
      calls.at(-1)!.done({ code: outcome, error: outcome === ExportResultCode.FAILED ? new Error('refused') : undefined })
      await flushed
    }
    expect(rec.counts).toEqual({ exported: 2, queue_full: 0, export_failed: 4 })
    expect(rec.events).toEqual(['failing', 'recovered after 4'])
    expect(pipeline.pendingSpans()).toBe(0)
  })

  it('turns an exporter that throws into a counted failure', async () => {
    const rec = recorder()
    const throwing: SpanExporter = {
      export: () => {
        throw new Error('bug in exporter')
      },
      shutdown: () => Promise.resolve(),
    }
    const pipeline = createSpanPipeline(rec.options(throwing))
    const provider = new NodeTracerProvider({ spanProcessors: [pipeline.processor] })
    endSpans(provider, 2)
    await pipeline.processor.forceFlush()
    expect(rec.counts.export_failed).toBe(2)
    expect(pipeline.pendingSpans()).toBe(0)
  })

  it('hands the batch processor its next batch while requests are out, up to MAX_EXPORTS_IN_FLIGHT', async () => {
    const { exporter, calls } = heldExporter()
    const rec = recorder()
    const pipeline = createSpanPipeline(rec.options(exporter, { maxQueueSize: 100, maxExportBatchSize: 1 }))
    const provider = new NodeTracerProvider({ spanProcessors: [pipeline.processor] })
    endSpans(provider, 8)
    // let the batch processor run its export continuations
    for (let i = 0; i < 20; i++) await Promise.resolve()
    // four handed over at once, the fifth out but holding the batch processor back
    expect(calls).toHaveLength(MAX_EXPORTS_IN_FLIGHT + 1)
    calls[0]!.done({ code: ExportResultCode.SUCCESS })
    for (let i = 0; i < 20; i++) await Promise.resolve()
    expect(calls).toHaveLength(MAX_EXPORTS_IN_FLIGHT + 2)
    expect(pipeline.pendingSpans()).toBe(7)
  })

  it('ignores unsampled spans', () => {
    const { exporter } = heldExporter()
    const rec = recorder()
    const pipeline = createSpanPipeline(rec.options(exporter))
    const provider = new NodeTracerProvider({ spanProcessors: [pipeline.processor], sampler: new AlwaysOffSampler() })
    endSpans(provider, 20)
    expect(pipeline.pendingSpans()).toBe(0)
    expect(rec.counts.queue_full).toBe(0)
  })

  it('puts the request id of the context on every span started in it', async () => {
    const { exporter, calls } = heldExporter()
    const pipeline = createSpanPipeline(recorder().options(exporter))
    const provider = new NodeTracerProvider({ spanProcessors: [pipeline.processor] })
    const tracer = provider.getTracer('test')
    withRequestId('req-7', () => {
      tracer.startActiveSpan('outer', (outer) => {
        tracer.startSpan('inner').end()
        outer.end()
      })
    })
    tracer.startSpan('unrelated').end()
    const flushed = pipeline.processor.forceFlush()
    calls[0]!.done({ code: ExportResultCode.SUCCESS })
    await flushed
    const byName = Object.fromEntries(calls[0]!.spans.map((s) => [s.name, s.attributes.request_id]))
    expect(byName).toEqual({ inner: 'req-7', outer: 'req-7', unrelated: undefined })
  })
})

/** A sender of encoded requests whose requests settle only when the test says so. */
function heldSender() {
  const requests: Array<{ body: Uint8Array; spanCount: number; done: (r: ExportResult) => void }> = []
  const sender: EncodedRequestSender = {
    send: (body, spanCount, done) => void requests.push({ body, spanCount, done }),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  }
  return { sender, requests }
}

function decodedSpans(body: Uint8Array) {
  const decoded = decodeTraces(body, 'protobuf')
  if (!decoded.ok) throw new Error(decoded.error.message)
  return decoded.value.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))
}

describe('span pipeline, http/protobuf (spans encoded as they end)', () => {
  it('counts exported spans, bounds pending spans, drops and counts beyond the bound, and recovers', () => {
    const { sender, requests } = heldSender()
    const rec = recorder()
    const pipeline = createSpanPipeline(rec.options(sender))
    const provider = new NodeTracerProvider({ spanProcessors: [pipeline.processor] })
    endSpans(provider, 8)
    expect(pipeline.pendingSpans()).toBe(5)
    expect(rec.counts.queue_full).toBe(3)
    expect(requests.map((r) => r.spanCount)).toEqual([5])
    expect(decodedSpans(requests[0]!.body).map((s) => s.name)).toEqual(['s0', 's1', 's2', 's3', 's4'])
    requests[0]!.done({ code: ExportResultCode.SUCCESS })
    expect(pipeline.pendingSpans()).toBe(0)
    endSpans(provider, 2)
    expect(pipeline.pendingSpans()).toBe(2)
    expect(rec.counts).toEqual({ exported: 5, queue_full: 3, export_failed: 0 })
  })

  it('counts failed requests as drops and reports the failing and recovered transitions once each', async () => {
    const { sender, requests } = heldSender()
    const rec = recorder()
    const pipeline = createSpanPipeline(rec.options(sender))
    const provider = new NodeTracerProvider({ spanProcessors: [pipeline.processor] })
    for (const outcome of [ExportResultCode.FAILED, ExportResultCode.FAILED, ExportResultCode.SUCCESS]) {
      endSpans(provider, 2)
      await pipeline.processor.forceFlush()
      requests.at(-1)!.done({ code: outcome, error: outcome === ExportResultCode.FAILED ? new Error('refused') : undefined })
    }
    expect(rec.counts).toEqual({ exported: 2, queue_full: 0, export_failed: 4 })
    expect(rec.events).toEqual(['failing', 'recovered after 4'])
    expect(pipeline.pendingSpans()).toBe(0)
  })

  it('puts the request id on the spans it encodes, ignores unsampled spans and, once shut down, all spans', async () => {
    const { sender, requests } = heldSender()
    const rec = recorder()
    const pipeline = createSpanPipeline(rec.options(sender, { maxQueueSize: 100, maxExportBatchSize: 100 }))
    const provider = new NodeTracerProvider({ spanProcessors: [pipeline.processor] })
    const tracer = provider.getTracer('test')
    withRequestId('req-9', () => tracer.startActiveSpan('outer', (outer) => {
      tracer.startSpan('inner').end()
      outer.end()
    }))
    new NodeTracerProvider({ spanProcessors: [pipeline.processor], sampler: new AlwaysOffSampler() }).getTracer('off').startSpan('unsampled').end()
    await pipeline.processor.forceFlush()
    const attributes = Object.fromEntries(decodedSpans(requests[0]!.body).map((s) => [s.name, s.attributes]))
    expect(attributes).toEqual({ inner: [{ key: 'request_id', value: { type: 'string', value: 'req-9' } }], outer: [{ key: 'request_id', value: { type: 'string', value: 'req-9' } }] })
    requests[0]!.done({ code: ExportResultCode.SUCCESS })
    await pipeline.processor.shutdown()
    endSpans(provider, 3)
    expect(pipeline.pendingSpans()).toBe(0)
    expect(rec.counts).toEqual({ exported: 2, queue_full: 0, export_failed: 0 })
  })
})
