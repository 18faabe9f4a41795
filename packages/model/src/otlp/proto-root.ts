/**
 * The protobufjs Root of the official OTLP definitions, built once at module load from the .proto
 * files vendored under packages/model/proto (opentelemetry-proto v1.9.0, see its README), plus
 * google.rpc.Status defined by reflection (OTLP/HTTP answers 4xx with a Status body).
 *
 * Only reflection types are used: protobufjs generates each type's decoder and encoder once, on
 * first use, and decoding then runs without further reflection.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import protobuf from 'protobufjs'

const PROTO_DIR = join(import.meta.dirname, '..', '..', 'proto')

/** dependency order, so names resolve without an import loader */
const PROTO_FILES = [
  'opentelemetry/proto/common/v1/common.proto',
  'opentelemetry/proto/resource/v1/resource.proto',
  'opentelemetry/proto/trace/v1/trace.proto',
  'opentelemetry/proto/logs/v1/logs.proto',
  'opentelemetry/proto/metrics/v1/metrics.proto',
  'opentelemetry/proto/collector/trace/v1/trace_service.proto',
  'opentelemetry/proto/collector/logs/v1/logs_service.proto',
  'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
]

function buildRoot(): protobuf.Root {
  const root = new protobuf.Root()
  for (const file of PROTO_FILES) {
    protobuf.parse(readFileSync(join(PROTO_DIR, file), 'utf8'), root, { keepCase: false })
  }
  // google/rpc/status.proto and google/protobuf/any.proto, field for field
  const any = new protobuf.Type('Any')
    .add(new protobuf.Field('typeUrl', 1, 'string'))
    .add(new protobuf.Field('value', 2, 'bytes'))
  root.define('google.protobuf').add(any)
  const status = new protobuf.Type('Status')
    .add(new protobuf.Field('code', 1, 'int32'))
    .add(new protobuf.Field('message', 2, 'string'))
    .add(new protobuf.Field('details', 3, 'google.protobuf.Any', 'repeated'))
  root.define('google.rpc').add(status)
  root.resolveAll()
  return root
}

export const otlpRoot: protobuf.Root = buildRoot()

const type = (name: string): protobuf.Type => otlpRoot.lookupType(name)

export const PB = {
  tracesRequest: type('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
  tracesResponse: type('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
  logsRequest: type('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
  logsResponse: type('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse'),
  metricsRequest: type('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest'),
  metricsResponse: type('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse'),
  rpcStatus: type('google.rpc.Status'),
} as const
