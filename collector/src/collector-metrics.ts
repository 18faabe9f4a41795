/**
 * The collector's own metrics. Labels are bounded: `signal` (3 values), `reason` (the request
 * and item reasons below, a closed set), `status_class` (2xx/4xx/5xx), `outcome` (2 values).
 *
 * Every item and byte received ends in exactly one of accepted or rejected{reason}. Items of a
 * request refused before it was decoded (401, 413, 415, 429 precheck, 503) are unknown, so such
 * requests count only in bytes (their Content-Length, when they sent one) and in the request
 * histogram.
 */
import type { Signal } from '@periscope/model'
import type { SelfMetrics } from '@periscope/runtime'
import type { RejectReason, Tally, TruncateReason } from './validate/item-rules.ts'

/** Why a whole request was refused. */
export type RequestRejectReason =
  | 'unauthenticated'
  | 'malformed'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'overloaded'
  | 'keys_unavailable'
  | 'bus_unavailable'

export interface CollectorMetrics {
  /** a decoded request: its items and (uncompressed) bytes */
  received(signal: Signal, items: number, bytes: number): void
  accepted(signal: Signal, items: number, bytes: number): void
  /** items rejected one by one inside an accepted request */
  itemsRejected(signal: Signal, tally: Tally): void
  /** a whole request refused; `items` is 0 when it was refused before decoding */
  requestRejected(signal: Signal, reason: RequestRejectReason, items: number, bytes: number): void
  busError(signal: Signal, outcome: 'retryable' | 'failure'): void
  recordsSent(signal: Signal, records: number, bytes: number): void
  requestDone(signal: Signal, statusCode: number, durationSeconds: number): void
}

export function createCollectorMetrics(metrics: SelfMetrics, inflightBytes: () => number): CollectorMetrics {
  const itemsReceived = metrics.counter<'signal'>({
    name: 'periscope_collector_received_items_total',
    help: 'Spans, log records and data points decoded from requests.',
    labelNames: ['signal'],
  })
  const bytesReceived = metrics.counter<'signal'>({
    name: 'periscope_collector_received_bytes_total',
    help: 'Uncompressed body bytes of decoded requests.',
    labelNames: ['signal'],
  })
  const itemsAccepted = metrics.counter<'signal'>({
    name: 'periscope_collector_accepted_items_total',
    help: 'Items durably handed to the bus.',
    labelNames: ['signal'],
  })
  const bytesAccepted = metrics.counter<'signal'>({
    name: 'periscope_collector_accepted_bytes_total',
    help: 'Uncompressed body bytes of requests whose items were durably handed to the bus.',
    labelNames: ['signal'],
  })
  const itemsRejected = metrics.counter<'signal' | 'reason'>({
    name: 'periscope_collector_rejected_items_total',
    help: 'Items refused, by reason (item rules, or the whole request refused after decoding).',
    labelNames: ['signal', 'reason'],
  })
  const bytesRejected = metrics.counter<'signal' | 'reason'>({
    name: 'periscope_collector_rejected_bytes_total',
    help: 'Body bytes of refused requests, by reason.',
    labelNames: ['signal', 'reason'],
  })
  const itemsTruncated = metrics.counter<'signal' | 'reason'>({
    name: 'periscope_collector_truncated_total',
    help: 'Attribute lists and values cut to the configured limits.',
    labelNames: ['signal', 'reason'],
  })
  const busErrors = metrics.counter<'signal' | 'outcome'>({
    name: 'periscope_collector_bus_errors_total',
    help: 'Sends the bus did not accept, by outcome (retryable or failure).',
    labelNames: ['signal', 'outcome'],
  })
  const records = metrics.counter<'signal'>({
    name: 'periscope_collector_bus_records_total',
    help: 'Records durably accepted by the bus.',
    labelNames: ['signal'],
  })
  const recordBytes = metrics.counter<'signal'>({
    name: 'periscope_collector_bus_record_bytes_total',
    help: 'Bytes of records durably accepted by the bus.',
    labelNames: ['signal'],
  })
  const duration = metrics.histogram<'signal' | 'status_class'>({
    name: 'periscope_collector_request_duration_seconds',
    help: 'OTLP request latency from arrival to answer, by signal and status class.',
    labelNames: ['signal', 'status_class'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  })
  metrics.gauge({
    name: 'periscope_collector_inflight_bytes',
    help: 'Body bytes held by requests in progress.',
    collect: (gauge) => gauge.set(inflightBytes()),
  })

  const statusClass = (code: number): string => (code >= 500 ? '5xx' : code >= 400 ? '4xx' : '2xx')

  return {
    received(signal, items, bytes) {
      itemsReceived.inc({ signal }, items)
      bytesReceived.inc({ signal }, bytes)
    },
    accepted(signal, items, bytes) {
      if (items > 0) itemsAccepted.inc({ signal }, items)
      bytesAccepted.inc({ signal }, bytes)
    },
    itemsRejected(signal, tally) {
      for (const [reason, n] of Object.entries(tally.rejectedBy) as [RejectReason, number][]) itemsRejected.inc({ signal, reason }, n)
      for (const [reason, n] of Object.entries(tally.truncatedBy) as [TruncateReason, number][]) itemsTruncated.inc({ signal, reason }, n)
    },
    requestRejected(signal, reason, items, bytes) {
      if (items > 0) itemsRejected.inc({ signal, reason }, items)
      if (bytes > 0) bytesRejected.inc({ signal, reason }, bytes)
    },
    busError(signal, outcome) {
      busErrors.inc({ signal, outcome })
    },
    recordsSent(signal, count, bytes) {
      records.inc({ signal }, count)
      recordBytes.inc({ signal }, bytes)
    },
    requestDone(signal, statusCode, durationSeconds) {
      duration.observe({ signal, status_class: statusClass(statusCode) }, durationSeconds)
    },
  }
}
