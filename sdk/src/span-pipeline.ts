/**
 * The path a finished span takes to the endpoint, with every loss counted:
 *
 *   span end ─▶ counting gate ─▶ BatchSpanProcessor ─▶ counting exporter ─▶ OTLP/HTTP exporter
 *
 * Invariant: at most `maxQueueSize` spans are pending (queued or being exported) at any time. The
 * gate counts a span in when it hands it on and the exporter wrapper counts it out when its export
 * settles, so a slow or dead endpoint fills the bound and further spans are dropped at the gate
 * (`queue_full`) instead of growing memory; a settled export that failed drops its spans
 * (`export_failed`). Nothing here throws into the code that ended the span.
 *
 * The wrapper also logs the transitions of the export health — the first failure and the
 * recovery — never a line per failed batch.
 */
import type { Context } from '@opentelemetry/api'
import { ExportResultCode, type ExportResult } from '@opentelemetry/core'
import { BatchSpanProcessor, type ReadableSpan, type Span, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { SdkMetrics } from './metrics.ts'
import { getRequestId, REQUEST_ID_ATTRIBUTE } from './request-id.ts'

export interface SpanPipelineOptions {
  exporter: SpanExporter
  metrics: Pick<SdkMetrics, 'spansExported' | 'spansDropped'>
  maxQueueSize: number
  maxExportBatchSize: number
  scheduledDelayMs: number
  exportTimeoutMs: number
  /** Export health changes: failing (with the error) and recovered (with the spans lost meanwhile). */
  onExportFailing: (err: unknown) => void
  onExportRecovered: (droppedWhileFailing: number) => void
}

export interface SpanPipeline {
  processor: SpanProcessor
  /** Spans queued or in export right now. */
  pendingSpans(): number
}

const SAMPLED = 1

export function createSpanPipeline(options: SpanPipelineOptions): SpanPipeline {
  let pending = 0
  let failing = false
  let droppedWhileFailing = 0
  const { metrics } = options

  const drop = (reason: 'queue_full' | 'export_failed', count: number): void => {
    metrics.spansDropped(reason, count)
    if (failing) droppedWhileFailing += count
  }

  const countingExporter: SpanExporter = {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
      let settled = false
      const settle = (result: ExportResult): void => {
        if (settled) return
        settled = true
        pending -= spans.length
        if (result.code === ExportResultCode.SUCCESS) {
          metrics.spansExported(spans.length)
          if (failing) {
            failing = false
            options.onExportRecovered(droppedWhileFailing)
            droppedWhileFailing = 0
          }
        } else {
          if (!failing) {
            failing = true
            options.onExportFailing(result.error)
          }
          drop('export_failed', spans.length)
        }
        done(result)
      }
      try {
        options.exporter.export(spans, settle)
      } catch (err) {
        settle({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) })
      }
    },
    shutdown: () => options.exporter.shutdown(),
    forceFlush: () => options.exporter.forceFlush?.() ?? Promise.resolve(),
  }

  const batch = new BatchSpanProcessor(countingExporter, {
    // One more than our bound, so the batch processor itself never drops uncounted.
    maxQueueSize: options.maxQueueSize + 1,
    maxExportBatchSize: Math.min(options.maxExportBatchSize, options.maxQueueSize),
    scheduledDelayMillis: options.scheduledDelayMs,
    exportTimeoutMillis: options.exportTimeoutMs,
  })

  const processor: SpanProcessor = {
    onStart(span: Span, parentContext: Context): void {
      const requestId = getRequestId(parentContext)
      if (requestId !== undefined) span.setAttribute(REQUEST_ID_ATTRIBUTE, requestId)
    },
    onEnd(span: ReadableSpan): void {
      if ((span.spanContext().traceFlags & SAMPLED) === 0) return
      if (pending >= options.maxQueueSize) {
        drop('queue_full', 1)
        return
      }
      pending++
      batch.onEnd(span)
    },
    forceFlush: () => batch.forceFlush().catch(() => undefined),
    shutdown: () => batch.shutdown().catch(() => undefined),
  }

  return { processor, pendingSpans: () => pending }
}
