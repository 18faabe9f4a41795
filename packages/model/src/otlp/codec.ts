/**
 * decodeX / encodeX for the three OTLP export requests, in protobuf (binary) and OTLP/JSON.
 *
 * Decoding never throws: a body that is not a well-formed request of the signal gives an
 * `OtlpDecodeError` naming the field path where it went wrong. Unknown fields are skipped, as OTLP
 * requires of receivers (protobufjs skips unknown tags; JSON ignores unknown keys). Decoding does
 * not judge item contents (ids, times): that is validation, per item, in validate.ts.
 *
 * Encoding is total for well-typed input; protobuf output is minimal (defaults omitted), JSON
 * output is UTF-8 OTLP/JSON with hex ids and 64-bit integers as strings.
 */
import type protobuf from 'protobufjs'
import { OtlpDecodeError, err, ok, type Result } from '../result.ts'
import { JsonShapeError, type JsonObject } from './json-common.ts'
import { tracesFromJson, tracesToJson } from './json-traces.ts'
import type { PbObject } from './pb-common.ts'
import { locateProtobufError } from './pb-locate.ts'
import { tracesFromPb, tracesToPb } from './pb-traces.ts'
import { PB } from './proto-root.ts'
import type { Encoding, TracesRequest } from './types.ts'

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
  return encoding === 'protobuf' ? decodeProtobuf(body, PB.tracesRequest, tracesFromPb) : decodeJson(body, tracesFromJson)
}

export function encodeTraces(req: TracesRequest, encoding: Encoding): Uint8Array {
  return encoding === 'protobuf' ? PB.tracesRequest.encode(tracesToPb(req)).finish() : encodeJson(tracesToJson(req))
}
