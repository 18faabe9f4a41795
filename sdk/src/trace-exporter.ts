/**
 * The span exporter init() uses, by OTLP protocol:
 * - `http/protobuf` (the OpenTelemetry default): the official OTLP/HTTP transport of
 *   @opentelemetry/otlp-exporter-base — the same one @opentelemetry/exporter-trace-otlp-proto
 *   uses, with its timeout, retries on 429/502/503/504 with Retry-After, keep-alive agent,
 *   OTEL_EXPORTER_OTLP_* headers — carrying our direct protobuf encoding (otlp-trace-encoder.ts),
 *   which costs a fraction of the generic transformer's CPU and garbage;
 * - `http/json`: @opentelemetry/exporter-trace-otlp-http as is.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base'
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http'
import { ProtobufTraceSerializer, TraceExporterMetricsHelper } from '@opentelemetry/otlp-transformer'
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base'
import type { OtlpProtocol } from './config.ts'
import { encodeTraceRequest } from './otlp-trace-encoder.ts'

export interface TraceExporterOptions {
  protocol: OtlpProtocol
  url: string
  headers: Record<string, string> | undefined
  timeoutMs: number
  concurrencyLimit: number
}

const serializer = {
  serializeRequest: (spans: ReadableSpan[]): Uint8Array => encodeTraceRequest(spans),
  deserializeResponse: ProtobufTraceSerializer.deserializeResponse,
}

export function createTraceExporter(options: TraceExporterOptions): SpanExporter {
  const config = { url: options.url, headers: options.headers, timeoutMillis: options.timeoutMs, concurrencyLimit: options.concurrencyLimit }
  if (options.protocol === 'http/json') return new OTLPTraceExporter(config)
  const delegate = createOtlpHttpExportDelegate(
    convertLegacyHttpOptions(config, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' }),
    serializer,
    'otlp_http_span_exporter',
    TraceExporterMetricsHelper,
    undefined,
  )
  return new OTLPExporterBase<ReadableSpan[]>(delegate)
}
