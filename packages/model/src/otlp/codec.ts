/**
 * decodeX / encodeX for the three OTLP export requests, in protobuf (binary) and OTLP/JSON.
 *
 * Decoding never throws: a body that is not a well-formed request of the signal gives an
 * `OtlpDecodeError` naming the field path where it went wrong. Unknown fields are skipped, as OTLP
 * requires of receivers (the protobuf readers skip unknown tags; JSON ignores unknown keys).
 * Decoding does not judge item contents (ids, times): that is validation, per item, in validate.ts.
 * Protobuf traces and logs — the hot path of the collector and of ingest — are read by hand
 * (pb-read-*.ts); metrics and the small response messages go through protobufjs.
 *
 * Encoding is total for well-typed input; protobuf output is minimal (defaults omitted), JSON
 * output is UTF-8 OTLP/JSON with hex ids and 64-bit integers as strings.
 */
import type protobuf from 'protobufjs'
import { OtlpDecodeError, err, ok, type Result } from '../result.ts'
import { JsonShapeError, i32, i64 as jsonI64, obj, str, type JsonObject } from './json-common.ts'
import { logsFromJson, logsToJson } from './json-logs.ts'
import { metricsFromJson, metricsToJson } from './json-metrics.ts'
import { tracesFromJson, tracesToJson } from './json-traces.ts'
import { i64, type LongLike, type PbObject } from './pb-common.ts'
import { locateProtobufError } from './pb-locate.ts'
import { logsToPb } from './pb-logs.ts'
import { metricsFromPb, metricsToPb } from './pb-metrics.ts'
import { readLogsRequest } from './pb-read-logs.ts'
import { readTracesRequest } from './pb-read-traces.ts'
import { PbDecodeFailure, PbReader } from './pb-reader.ts'
import { tracesToPb } from './pb-traces.ts'
import { PB } from './proto-root.ts'
import type { Encoding, LogsRequest, MetricsRequest, Signal, TracesRequest } from './types.ts'

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

function decodeProtobuf<T>(body: Uint8Array, type: protobuf.Type, fromPb: (m: PbObject) => T): Result<T, OtlpDecodeError> {
  let message: PbObject
  try {
    message = type.decode(body) as unknown as PbObject
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e)
    return err(new OtlpDecodeError(locateProtobufError(body, type), `malformed protobuf: ${reason}`, { cause: e }))
  }
  try {
    return ok(fromPb(message))
  } catch (e) {
    // unreachable for what protobufjs decodes; kept so a bug cannot crash a receiver
    return err(new OtlpDecodeError('', `cannot convert decoded request: ${String(e)}`, { cause: e }))
  }
}

/** A hand-written reader's decode; the path of a failure is found by walking the body with `type`. */
function readProtobuf<T>(body: Uint8Array, type: protobuf.Type, read: (r: PbReader) => T): Result<T, OtlpDecodeError> {
  try {
    return ok(read(new PbReader(body)))
  } catch (e) {
    if (e instanceof PbDecodeFailure) return err(new OtlpDecodeError(locateProtobufError(body, type), `malformed protobuf: ${e.message}`, { cause: e }))
    // unreachable: the readers throw nothing else; kept so a bug cannot crash a receiver
    return err(new OtlpDecodeError('', `cannot decode request: ${String(e)}`, { cause: e }))
  }
}

function decodeJson<T>(body: Uint8Array, fromJson: (root: unknown) => T): Result<T, OtlpDecodeError> {
  let text: string
  try {
    text = utf8.decode(body)
  } catch (e) {
    return err(new OtlpDecodeError('', 'body is not valid UTF-8', { cause: e }))
  }
  let root: unknown
  try {
    root = JSON.parse(text)
  } catch (e) {
    return err(new OtlpDecodeError('', `invalid JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e }))
  }
  try {
    return ok(fromJson(root))
  } catch (e) {
    if (e instanceof JsonShapeError) return err(new OtlpDecodeError(e.path, e.message))
    return err(new OtlpDecodeError('', `cannot decode request: ${String(e)}`, { cause: e }))
  }
}

function encodeJson(o: JsonObject): Uint8Array {
  return Buffer.from(JSON.stringify(o), 'utf8')
}

export function decodeTraces(body: Uint8Array, encoding: Encoding): Result<TracesRequest, OtlpDecodeError> {
  return encoding === 'protobuf' ? readProtobuf(body, PB.tracesRequest, readTracesRequest) : decodeJson(body, tracesFromJson)
}

export function encodeTraces(req: TracesRequest, encoding: Encoding): Uint8Array {
  return encoding === 'protobuf' ? PB.tracesRequest.encode(tracesToPb(req)).finish() : encodeJson(tracesToJson(req))
}

export function decodeLogs(body: Uint8Array, encoding: Encoding): Result<LogsRequest, OtlpDecodeError> {
  return encoding === 'protobuf' ? readProtobuf(body, PB.logsRequest, readLogsRequest) : decodeJson(body, logsFromJson)
}

export function encodeLogs(req: LogsRequest, encoding: Encoding): Uint8Array {
  return encoding === 'protobuf' ? PB.logsRequest.encode(logsToPb(req)).finish() : encodeJson(logsToJson(req))
}

export function decodeMetrics(body: Uint8Array, encoding: Encoding): Result<MetricsRequest, OtlpDecodeError> {
  return encoding === 'protobuf' ? decodeProtobuf(body, PB.metricsRequest, metricsFromPb) : decodeJson(body, metricsFromJson)
}

export function encodeMetrics(req: MetricsRequest, encoding: Encoding): Uint8Array {
  return encoding === 'protobuf' ? PB.metricsRequest.encode(metricsToPb(req)).finish() : encodeJson(metricsToJson(req))
}

// ---- responses -------------------------------------------------------------------------------

/** The partial-success field naming rejected items, per signal. */
const REJECTED_FIELD = { traces: 'rejectedSpans', logs: 'rejectedLogRecords', metrics: 'rejectedDataPoints' } as const
const RESPONSE_TYPE = { traces: PB.tracesResponse, logs: PB.logsResponse, metrics: PB.metricsResponse } as const

export interface PartialSuccess {
  /** items (spans, log records, data points) the receiver rejected */
  rejected: number
  message: string
}

/**
 * Export{Trace,Logs,Metrics}ServiceResponse. Full success (0 rejected, no message) leaves
 * partial_success unset, as the OTLP spec asks; otherwise it carries the count and the message.
 */
export function encodeExportResponse(signal: Signal, partial: PartialSuccess, encoding: Encoding): Uint8Array {
  const full = partial.rejected === 0 && partial.message === ''
  if (encoding === 'json') {
    if (full) return encodeJson({})
    const ps: JsonObject = {}
    if (partial.rejected !== 0) ps[REJECTED_FIELD[signal]] = String(partial.rejected)
    if (partial.message !== '') ps.errorMessage = partial.message
    return encodeJson({ partialSuccess: ps })
  }
  const ps: PbObject = {}
  if (partial.rejected !== 0) ps[REJECTED_FIELD[signal]] = partial.rejected
  if (partial.message !== '') ps.errorMessage = partial.message
  return RESPONSE_TYPE[signal].encode(full ? {} : { partialSuccess: ps }).finish()
}

/** Reads an export response (the agent's view of the collector's answer); an empty body is full success. */
export function decodeExportResponse(signal: Signal, body: Uint8Array, encoding: Encoding): Result<PartialSuccess, OtlpDecodeError> {
  const field = REJECTED_FIELD[signal]
  if (encoding === 'protobuf') {
    return decodeProtobuf(body, RESPONSE_TYPE[signal], (m) => {
      const ps = m.partialSuccess as PbObject | null
      if (ps == null) return { rejected: 0, message: '' }
      return { rejected: Number(i64(ps[field] as LongLike)), message: ps.errorMessage as string }
    })
  }
  if (body.length === 0) return ok({ rejected: 0, message: '' })
  return decodeJson(body, (root) => {
    const top = obj(root, '', '')
    const ps = obj(top?.partialSuccess, '', 'partialSuccess')
    if (ps === null) return { rejected: 0, message: '' }
    return { rejected: Number(jsonI64(ps[field], 'partialSuccess', field)), message: str(ps.errorMessage, 'partialSuccess', 'errorMessage') }
  })
}

export interface RpcStatus {
  /** a google.rpc.Code, e.g. 3 INVALID_ARGUMENT, 8 RESOURCE_EXHAUSTED, 16 UNAUTHENTICATED */
  code: number
  message: string
}

/** google.rpc.Status, the body OTLP/HTTP servers send with 4xx/5xx answers. */
export function encodeRpcStatus(status: RpcStatus, encoding: Encoding): Uint8Array {
  if (encoding === 'json') return encodeJson({ code: status.code, message: status.message })
  const o: PbObject = {}
  if (status.code !== 0) o.code = status.code
  if (status.message !== '') o.message = status.message
  return PB.rpcStatus.encode(o).finish()
}

export function decodeRpcStatus(body: Uint8Array, encoding: Encoding): Result<RpcStatus, OtlpDecodeError> {
  if (encoding === 'protobuf') return decodeProtobuf(body, PB.rpcStatus, (m) => ({ code: m.code as number, message: m.message as string }))
  return decodeJson(body, (root) => {
    const top = obj(root, '', '') ?? {}
    return { code: i32(top.code, '', 'code'), message: str(top.message, '', 'message') }
  })
}
