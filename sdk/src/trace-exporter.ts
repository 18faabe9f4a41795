/**
 * Where init() sends spans, by OTLP protocol:
 * - `http/protobuf` (the OpenTelemetry default): a sender of requests the span batcher has already
 *   encoded (span-batcher.ts, otlp-trace-encoder.ts), over the official OTLP/HTTP transport of
 *   @opentelemetry/otlp-exporter-base — the same one @opentelemetry/exporter-trace-otlp-proto uses,
 *   with its timeout, retries on 429/502/503/504 with Retry-After, keep-alive agent, concurrency
 *   limit and OTEL_EXPORTER_OTLP_* headers. With gzip the body is compressed here at level 1
 *   (the transport's stream uses zlib's default, 6): about a third of the CPU for a body a few
 *   per cent larger (bench/sdk numbers in sdk/README.md);
 * - `http/json`: @opentelemetry/exporter-trace-otlp-http as is (behind the batch span processor).
 */
import { gzip } from 'node:zlib'
import { ExportResultCode, type ExportResult } from '@opentelemetry/core'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base'
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http'
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer'
import type { SpanExporter } from '@opentelemetry/sdk-trace-base'
import type { OtlpCompression, OtlpProtocol } from './config.ts'
import type { EncodedRequestSender } from './span-batcher.ts'

export interface TraceExporterOptions {
  protocol: OtlpProtocol
  compression: OtlpCompression
  url: string
  headers: Record<string, string> | undefined
  timeoutMs: number
  concurrencyLimit: number
}

/** zlib level for gzip bodies: nearly the ratio of the default level for a third of its CPU. */
const GZIP_LEVEL = 1

/** What the transport is given: a request already encoded. */
interface EncodedRequest {
  body: Uint8Array
  spanCount: number
}

export function createTraceExporter(options: TraceExporterOptions): EncodedRequestSender | SpanExporter {
  const config = { url: options.url, headers: options.headers, timeoutMillis: options.timeoutMs, concurrencyLimit: options.concurrencyLimit }
  if (options.protocol === 'http/json') return new OTLPTraceExporter({ ...config, compression: options.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE })
  const gzipped = options.compression === 'gzip'
  const delegate = createOtlpHttpExportDelegate<EncodedRequest, unknown>(
    convertLegacyHttpOptions(
      // compression 'none' for the transport (whatever OTEL_EXPORTER_OTLP_COMPRESSION says): a
      // gzip body is already compressed, and announced by its header
      { ...config, compression: CompressionAlgorithm.NONE, headers: gzipped ? { ...options.headers, 'Content-Encoding': 'gzip' } : options.headers },
      'TRACES',
      'v1/traces',
      { 'Content-Type': 'application/x-protobuf' },
    ),
    { serializeRequest: (request) => request.body, deserializeResponse: ProtobufTraceSerializer.deserializeResponse },
    'otlp_http_span_exporter',
    { name: 'span', countItems: (request) => request.spanCount },
    undefined,
  )
  return {
    send(body: Uint8Array, spanCount: number, done: (result: ExportResult) => void): void {
      if (!gzipped) return delegate.export({ body, spanCount }, done)
      gzip(body, { level: GZIP_LEVEL }, (err, compressed) => {
        if (err) done({ code: ExportResultCode.FAILED, error: err })
        else delegate.export({ body: compressed, spanCount }, done)
      })
    },
    forceFlush: () => delegate.forceFlush(),
    shutdown: () => delegate.shutdown(),
  }
}
