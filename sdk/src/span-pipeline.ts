/**
 * The path a finished span takes to the endpoint, with every loss counted:
 *
 *   http/protobuf: span end ─▶ counting gate ─▶ span batcher (encodes at once) ─▶ OTLP/HTTP sender
 *   http/json:     span end ─▶ counting gate ─▶ BatchSpanProcessor ─▶ counting exporter ─▶ OTLP/HTTP exporter
 *
 * Invariant: at most `maxQueueSize` spans (and on the protobuf path MAX_PENDING_BYTES encoded
 * bytes) are pending — queued, batched or being exported — at any time. The gate counts a span in when it hands it on and counts it out when its export settles,
 * so a slow or dead endpoint fills the bound and further spans are dropped at the gate
 * (`queue_full`) instead of growing memory; a settled export that failed drops its spans
 * (`export_failed`). Nothing here throws into the code that ended the span.
 *
 * The gate also logs the transitions of the export health — the first failure and the
 * recovery — never a line per failed batch.
 *
 * On the http/json path, the batch processor exports one batch at a time and waits for it to
 * settle. The exporter serialises a batch synchronously inside export() and then only holds the
 * bytes, so the counting exporter tells the batch processor a batch is done as soon as export()
 * returns, while up to MAX_EXPORTS_IN_FLIGHT requests are outstanding (past that, when one
 * settles): spans do not wait in the queue for HTTP round trips.
 */
import type { Context } from '@opentelemetry/api'
import { ExportResultCode, type ExportResult } from '@opentelemetry/core'
import { BatchSpanProcessor, type ReadableSpan, type Span, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { SdkMetrics } from './metrics.ts'
import { getRequestId, REQUEST_ID_ATTRIBUTE } from './request-id.ts'
import { createSpanBatcher, type EncodedRequestSender } from './span-batcher.ts'

export type { EncodedRequestSender } from './span-batcher.ts'

export interface SpanPipelineOptions {
  /** A sender of encoded requests (http/protobuf), or a span exporter behind the batch span processor (http/json). */
  exporter: EncodedRequestSender | SpanExporter
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
/** A request of the http/protobuf path is cut at this size: well below the agent's and collector's body limits. */
export const MAX_EXPORT_BATCH_BYTES = 1024 * 1024
/** http/protobuf: encoded bytes batched or in flight beyond which spans are dropped (`queue_full`), whatever their count. */
export const MAX_PENDING_BYTES = 64 * 1024 * 1024
/** http/json: the batch processor is held back while more requests than this are in flight. */
export const MAX_EXPORTS_IN_FLIGHT = 4
const HANDED_OVER: ExportResult = { code: ExportResultCode.SUCCESS }

interface Stage {
  /** false: refused for lack of room (counted by the gate). */
  add(span: ReadableSpan): boolean
  forceFlush(): Promise<void>
  shutdown(): Promise<void>
}

function isSender(exporter: EncodedRequestSender | SpanExporter): exporter is EncodedRequestSender {
  return typeof (exporter as EncodedRequestSender).send === 'function'
}

export function createSpanPipeline(options: SpanPipelineOptions): SpanPipeline {
  let pending = 0
  let failing = false
  let droppedWhileFailing = 0
  let stopped = false
  const { metrics } = options

  const drop = (reason: 'queue_full' | 'export_failed', count: number): void => {
    metrics.spansDropped(reason, count)
    if (failing) droppedWhileFailing += count
  }

  const settled = (count: number, result: ExportResult): void => {
    pending -= count
    if (result.code === ExportResultCode.SUCCESS) {
      metrics.spansExported(count)
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
      drop('export_failed', count)
    }
  }

  const exporter = options.exporter
  const maxExportBatchSize = Math.min(options.maxExportBatchSize, options.maxQueueSize)
  const stage: Stage = isSender(exporter)
    ? createSpanBatcher({ sender: exporter, maxExportBatchSize, maxExportBatchBytes: MAX_EXPORT_BATCH_BYTES, maxPendingBytes: MAX_PENDING_BYTES, scheduledDelayMs: options.scheduledDelayMs, settled })
    : batchSpanProcessorStage(exporter, { ...options, maxExportBatchSize }, settled)

  const processor: SpanProcessor = {
    onStart(span: Span, parentContext: Context): void {
      const requestId = getRequestId(parentContext)
      if (requestId !== undefined) span.setAttribute(REQUEST_ID_ATTRIBUTE, requestId)
    },
    onEnd(span: ReadableSpan): void {
      if (stopped || (span.spanContext().traceFlags & SAMPLED) === 0) return
      if (pending >= options.maxQueueSize) {
        drop('queue_full', 1)
        return
      }
      pending++
      if (!stage.add(span)) {
        pending--
        drop('queue_full', 1)
      }
    },
    forceFlush: () => stage.forceFlush().catch(() => undefined),
    shutdown: () => {
      stopped = true
      return stage.shutdown().catch(() => undefined)
    },
  }

  return { processor, pendingSpans: () => pending }
}

/** http/json: OpenTelemetry's batch span processor over the exporter, released early (see the header). */
function batchSpanProcessorStage(
  exporter: SpanExporter,
  options: Pick<SpanPipelineOptions, 'maxQueueSize' | 'maxExportBatchSize' | 'scheduledDelayMs' | 'exportTimeoutMs'>,
  settled: (count: number, result: ExportResult) => void,
): Stage {
  let inFlight = 0
  /** Batch-processor callbacks held back while more than MAX_EXPORTS_IN_FLIGHT requests are outstanding. */
  const heldBack: Array<(result: ExportResult) => void> = []
  const countingExporter: SpanExporter = {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
      // only the count is kept: the spans themselves must be collectable once serialised
      const count = spans.length
      let once = false
      inFlight++
      const settle = (result: ExportResult): void => {
        if (once) return
        once = true
        inFlight--
        settled(count, result)
        heldBack.shift()?.(HANDED_OVER)
      }
      try {
        exporter.export(spans, settle)
      } catch (err) {
        settle({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) })
      }
      // serialised: the batch processor may go on (its result only feeds its own diagnostics;
      // ours was counted above or will be when the request settles)
      if (inFlight <= MAX_EXPORTS_IN_FLIGHT) done(HANDED_OVER)
      else heldBack.push(done)
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  }
  const batch = new BatchSpanProcessor(countingExporter, {
    // One more than the gate's bound, so the batch processor itself never drops uncounted.
    maxQueueSize: options.maxQueueSize + 1,
    maxExportBatchSize: options.maxExportBatchSize,
    scheduledDelayMillis: options.scheduledDelayMs,
    exportTimeoutMillis: options.exportTimeoutMs,
  })
  return {
    add: (span) => {
      batch.onEnd(span)
      return true
    },
    // the batch processor's flush hands the queue over; the exporter's waits for the requests
    forceFlush: () => batch.forceFlush().then(() => countingExporter.forceFlush?.()),
    shutdown: () => batch.shutdown(),
  }
}
