import { context, trace } from '@opentelemetry/api'
import { ExportResultCode, type ExportResult } from '@opentelemetry/core'
import { AlwaysOffSampler, NodeTracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withRequestId } from './request-id.ts'
import { createSpanPipeline, type SpanPipelineOptions } from './span-pipeline.ts'

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
    options: (exporter: SpanExporter, over: Partial<SpanPipelineOptions> = {}): SpanPipelineOptions => ({
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

describe('span pipeline', () => {
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
