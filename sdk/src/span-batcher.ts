/**
 * The batching stage of the http/protobuf path: each span is encoded into the open batch when it
 * ends (otlp-trace-encoder.ts), and a batch becomes one ExportTraceServiceRequest when it holds
 * `maxExportBatchSize` spans or `maxExportBatchBytes` bytes, or `scheduledDelayMs` after its first
 * span, whichever comes first.
 *
 * Why not OpenTelemetry's BatchSpanProcessor here: it keeps the span objects until their batch is
 * exported. Kept that long, spans outlive young-generation garbage collections and are read back
 * from cold memory to be encoded; encoding them while they are still in cache and letting them die
 * young saves more CPU than the encoding costs (bench/sdk). What waits for export here is bytes.
 *
 * Invariants: every span handed to add() is reported to `settled` exactly once, with its batch's
 * outcome (a span that cannot be encoded: FAILED at once; a span refused for the byte bound is
 * not reported — the caller counts it); the open batch is bounded by the batch limits (beyond
 * them only while its resources finish their asynchronous detection — the caller's queue bound
 * and `maxPendingBytes` still hold); requests are sent without waiting for earlier ones, the
 * sender bounding how many are in flight.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { createSpanBatch } from './otlp-trace-encoder.ts'

/** Sends encoded export requests (the official OTLP/HTTP transport, see trace-exporter.ts). */
export interface EncodedRequestSender {
  /** Sends one ExportTraceServiceRequest holding `spanCount` spans; `done` gets its outcome. */
  send(body: Uint8Array, spanCount: number, done: (result: ExportResult) => void): void
  /** Resolves when every request sent so far has settled. */
  forceFlush(): Promise<void>
  shutdown(): Promise<void>
}

export interface SpanBatcherOptions {
  sender: EncodedRequestSender
  maxExportBatchSize: number
  maxExportBatchBytes: number
  /** Encoded bytes batched or in flight beyond which spans are refused. */
  maxPendingBytes: number
  scheduledDelayMs: number
  /** The outcome for `spanCount` spans: once per batch, or once per span that could not be encoded. */
  settled: (spanCount: number, result: ExportResult) => void
}

export interface SpanBatcher {
  /** Takes the span, or refuses it (false) while `maxPendingBytes` are batched or in flight. */
  add(span: ReadableSpan): boolean
  /** Sends the open batch and resolves when every request so far has settled. */
  forceFlush(): Promise<void>
  shutdown(): Promise<void>
}

export function createSpanBatcher(options: SpanBatcherOptions): SpanBatcher {
  const { sender, settled } = options
  const batch = createSpanBatch()
  let timer: NodeJS.Timeout | undefined
  let inFlightBytes = 0
  /** Set while a cut waits for the batch's resources to finish their detection. */
  let resourcesPending: Promise<void> | undefined

  const fail = (count: number, err: unknown): void =>
    settled(count, { code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) })

  /** Sends the open batch; `waited`: its resources have been waited for once already. */
  const cut = (waited = false): void => {
    if (timer !== undefined) {
      clearTimeout(timer)
      timer = undefined
    }
    if (batch.spanCount === 0 || resourcesPending !== undefined) return
    const waiting = waited ? undefined : batch.resourcesSettled()
    if (waiting !== undefined) {
      const retry = (): void => {
        resourcesPending = undefined
        cut(true)
      }
      resourcesPending = waiting.then(retry, retry)
      return
    }
    const count = batch.spanCount
    let body: Uint8Array
    try {
      body = batch.take()
    } catch (err) {
      fail(count, err)
      return
    }
    let done = false
    inFlightBytes += body.length
    const settle = (result: ExportResult): void => {
      if (done) return
      done = true
      inFlightBytes -= body.length
      settled(count, result)
    }
    try {
      sender.send(body, count, settle)
    } catch (err) {
      settle({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) })
    }
  }

  return {
    add(span: ReadableSpan): boolean {
      if (inFlightBytes + batch.sizeBytes >= options.maxPendingBytes) return false
      try {
        batch.add(span)
      } catch (err) {
        fail(1, err)
        return true
      }
      if (batch.spanCount >= options.maxExportBatchSize || batch.sizeBytes >= options.maxExportBatchBytes) {
        cut()
      } else if (timer === undefined) {
        timer = setTimeout(() => cut(), options.scheduledDelayMs)
        timer.unref()
      }
      return true
    },
    async forceFlush(): Promise<void> {
      cut()
      await resourcesPending
      await sender.forceFlush()
    },
    async shutdown(): Promise<void> {
      await this.forceFlush()
      await sender.shutdown()
    },
  }
}
