/**
 * Telemetry made by the real OpenTelemetry JS SDK (traces, logs, metrics) and sent with the
 * official OTLP/HTTP exporters (JSON: exporter-*-otlp-http; protobuf: exporter-*-otlp-proto), for
 * tests that must see exactly what any OpenTelemetry user would send.
 */
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api'
import { SeverityNumber } from '@opentelemetry/api-logs'
import { ExportResultCode, type ExportResult } from '@opentelemetry/core'
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http'
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto'
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http'
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto'
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs'
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base'

export type ExporterEncoding = 'json' | 'protobuf'

const resource = resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '1.2.3', 'host.cores': 2 })

/** Spans of two traces (a server span with a child, and a consumer span), ended now. */
export function sdkSpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(memory)] })
  const tracer = provider.getTracer('collector-test', '0.1.0')
  const root = tracer.startSpan('GET /cart', { kind: SpanKind.SERVER, attributes: { 'http.method': 'GET', 'http.status_code': 200, ratio: 0.25, cached: true } })
  const child = tracer.startSpan('SELECT cart', { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql' } }, trace.setSpan(context.active(), root))
  child.addEvent('rows', { count: 3 })
  child.end()
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' })
  root.end()
  tracer.startSpan('process order', { kind: SpanKind.CONSUMER }).end()
  return memory.getFinishedSpans()
}

export function sdkLogs(): ReadableLogRecord[] {
  const memory = new InMemoryLogRecordExporter()
  const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: memory })] })
  const logger = provider.getLogger('collector-test', '0.1.0')
  logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: 'order placed', attributes: { 'order.id': 42 } })
  logger.emit({ severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: 'payment declined', attributes: { 'card.brand': 'visa' } })
  return memory.getFinishedLogRecords()
}

class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export async function sdkMetrics(): Promise<ResourceMetrics> {
  const reader = new CollectingReader()
  const provider = new MeterProvider({ resource, readers: [reader] })
  const meter = provider.getMeter('collector-test', '0.1.0')
  meter.createCounter('orders_total').add(3, { region: 'eu' })
  meter.createHistogram('checkout_duration_ms').record(12.5, { region: 'eu' })
  const { resourceMetrics, errors } = await reader.collect()
  if (errors.length > 0) throw errors[0]
  return resourceMetrics
}

export interface Target {
  baseUrl: string
  key: string
  /** gzip the bodies (the exporters' `compression: 'gzip'`) */
  gzip?: boolean
}

function exporterConfig(target: Target, path: string) {
  return {
    url: `${target.baseUrl}${path}`,
    headers: { Authorization: `Bearer ${target.key}` },
    compression: target.gzip ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
    timeoutMillis: 30_000,
  }
}

interface AnyExporter<T> {
  export(items: T, done: (result: ExportResult) => void): void
  shutdown(): Promise<void>
}

async function exportWith<T>(exporter: AnyExporter<T>, items: T): Promise<ExportResult> {
  const result = await new Promise<ExportResult>((resolve) => exporter.export(items, resolve))
  await exporter.shutdown()
  return result
}

export function exportSpans(encoding: ExporterEncoding, target: Target, spans: ReadableSpan[]): Promise<ExportResult> {
  const config = exporterConfig(target, '/v1/traces')
  return exportWith(encoding === 'json' ? new JsonTraceExporter(config) : new ProtoTraceExporter(config), spans)
}

export function exportLogs(encoding: ExporterEncoding, target: Target, logs: ReadableLogRecord[]): Promise<ExportResult> {
  const config = exporterConfig(target, '/v1/logs')
  return exportWith(encoding === 'json' ? new JsonLogExporter(config) : new ProtoLogExporter(config), logs)
}

export function exportMetrics(encoding: ExporterEncoding, target: Target, metrics: ResourceMetrics): Promise<ExportResult> {
  const config = exporterConfig(target, '/v1/metrics')
  return exportWith(encoding === 'json' ? new JsonMetricExporter(config) : new ProtoMetricExporter(config), metrics)
}

export { ExportResultCode }
