/**
 * @periscope/model — the telemetry model: row types, OTLP decode/encode (protobuf and OTLP/JSON)
 * and request -> rows. Pure: no I/O beyond reading the vendored .proto files once at load.
 */
export * from './rows.ts'
export type * from './otlp/types.ts'
export { SpanKind, StatusCode, Temporality } from './otlp/types.ts'
export { type Result, ok, err, OtlpDecodeError, type ItemRejection } from './result.ts'
export { bytesToHex, hexToBytes, isAllZero } from './hex.ts'
export {
  decodeTraces,
  encodeTraces,
  decodeLogs,
  encodeLogs,
  decodeMetrics,
  encodeMetrics,
  encodeExportResponse,
  decodeExportResponse,
  encodeRpcStatus,
  decodeRpcStatus,
  type PartialSuccess,
  type RpcStatus,
} from './otlp/codec.ts'
export { anyValueOf, keyValuesOf } from './otlp/any-value-of.ts'
export { spanRows, spanKindName, statusCodeName } from './rows/span-rows.ts'
export { logRows } from './rows/log-rows.ts'
export { metricRows } from './rows/metric-rows.ts'
export { severityTextOf, severityNumberOf, type SeverityName } from './severity.ts'
export { MAX_VALUE_DEPTH, flattenAttributes, bodyText, scalarText } from './rows/any-value.ts'
export { UNKNOWN_SERVICE } from './rows/resource-columns.ts'
export { spanProblem, logRecordProblem, metricProblem, dataPointProblem, type Problem } from './validate.ts'
export { validateTraces, validateLogs, validateMetrics, type Validated } from './validate-request.ts'
export { countItems, groupSpansByTrace, splitBySize, type SizedRecord, type SplitResult } from './regroup.ts'
