/**
 * Where init() sends spans, by OTLP protocol:
 * - `http/protobuf` (the OpenTelemetry default): a sender of requests the span batcher has already
 *   encoded (span-batcher.ts, otlp-trace-encoder.ts), over the official OTLP/HTTP transport of
 *   @opentelemetry/otlp-exporter-base — the same one @opentelemetry/exporter-trace-otlp-proto uses,
 *   with its timeout, retries on 429/502/503/504 with Retry-After, keep-alive agent, concurrency
 *   limit, OTEL_EXPORTER_OTLP_* headers and compression;
 * - `http/json`: @opentelemetry/exporter-trace-otlp-http as is (behind the batch span processor).
 */
import type { ExportResult } from '@opentelemetry/core'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http'
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer'
import type { SpanExporter } from '@opentelemetry/sdk-trace-base'
import type { OtlpProtocol } from './config.ts'
import type { EncodedRequestSender } from './span-batcher.ts'

export interface TraceExporterOptions {
  protocol: OtlpProtocol
  url: string
  headers: Record<string, string> | undefined
  timeoutMs: number
  concurrencyLimit: number
}

/** What the transport is given: a request already encoded. */
interface EncodedRequest {
  body: Uint8Array
  spanCount: number
}

export function createTraceExporter(options: TraceExporterOptions): EncodedRequestSender | SpanExporter {
  const config = { url: options.url, headers: options.headers, timeoutMillis: options.timeoutMs, concurrencyLimit: options.concurrencyLimit }
  if (options.protocol === 'http/json') return new OTLPTraceExporter(config)
  const delegate = createOtlpHttpExportDelegate<EncodedRequest, unknown>(
    convertLegacyHttpOptions(config, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' }),
    { serializeRequest: (request) => request.body, deserializeResponse: ProtobufTraceSerializer.deserializeResponse },
    'otlp_http_span_exporter',
    { name: 'span', countItems: (request) => request.spanCount },
    undefined,
  )
  return {
    send: (body: Uint8Array, spanCount: number, done: (result: ExportResult) => void) => delegate.export({ body, spanCount }, done),
    forceFlush: () => delegate.forceFlush(),
    shutdown: () => delegate.shutdown(),
  }
}
