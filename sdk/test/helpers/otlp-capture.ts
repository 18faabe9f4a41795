/**
 * A stand-in for the agent's OTLP/HTTP receiver in tests: accepts POST /v1/traces (gzip or not),
 * answers 200, and keeps the spans flattened with their service name. Decoding is independent of the code
 * under test: OTLP/JSON bodies are read as plain JSON (ids as hex strings), protobuf bodies with
 * Periscope's model codec (protobufjs over the official .proto definitions).
 */
import { createServer, type Server } from 'node:http'
import { gunzipSync } from 'node:zlib'
import type { AddressInfo } from 'node:net'
import { bytesToHex, decodeTraces, type AnyValue as PbAnyValue, type KeyValue as PbKeyValue } from '@periscope/model'

export interface CapturedSpan {
  service: string
  traceId: string
  spanId: string
  parentSpanId: string
  name: string
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer */
  kind: number
  attributes: Record<string, unknown>
  statusCode: number
}

export interface OtlpCapture {
  url: string
  spans: CapturedSpan[]
  requests: number
  /** content types of the export requests received */
  contentTypes: string[]
  /** their Content-Encoding ('' when none) */
  contentEncodings: string[]
  /** Resolves once `predicate` holds over the captured spans, or rejects after `timeoutMs`. */
  waitFor(predicate: (spans: CapturedSpan[]) => boolean, timeoutMs?: number): Promise<CapturedSpan[]>
  close(): Promise<void>
}

interface AnyValue {
  stringValue?: string
  intValue?: string | number
  boolValue?: boolean
  doubleValue?: number
}
interface KeyValue {
  key: string
  value: AnyValue
}

function attributeValue(v: AnyValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue
  if (v.intValue !== undefined) return Number(v.intValue)
  if (v.boolValue !== undefined) return v.boolValue
  if (v.doubleValue !== undefined) return v.doubleValue
  return undefined
}

function attributes(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, attributeValue(kv.value)]))
}

interface TracesBody {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] }
    scopeSpans?: Array<{
      spans?: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: KeyValue[]; status?: { code?: number } }>
    }>
  }>
}

function fromJson(body: Buffer): CapturedSpan[] {
  const out: CapturedSpan[] = []
  const parsed = JSON.parse(body.toString('utf8')) as TracesBody
  for (const rs of parsed.resourceSpans ?? []) {
    const service = String(attributes(rs.resource?.attributes)['service.name'])
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          service,
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ?? '',
          name: s.name,
          kind: s.kind,
          attributes: attributes(s.attributes),
          statusCode: s.status?.code ?? 0,
        })
      }
    }
  }
  return out
}

function pbValue(v: PbAnyValue): unknown {
  switch (v.type) {
    case 'int':
      return Number(v.value)
    case 'array':
      return v.value.map(pbValue)
    case 'empty':
      return undefined
    case 'kvlist':
      return pbAttributes(v.value)
    default:
      return v.value
  }
}

function pbAttributes(list: PbKeyValue[]): Record<string, unknown> {
  return Object.fromEntries(list.map((kv) => [kv.key, pbValue(kv.value)]))
}

function fromProtobuf(body: Buffer): CapturedSpan[] {
  const decoded = decodeTraces(new Uint8Array(body), 'protobuf')
  if (!decoded.ok) throw new Error(`capture: undecodable protobuf export: ${decoded.error.message}`)
  const out: CapturedSpan[] = []
  for (const rs of decoded.value.resourceSpans) {
    const service = String(pbAttributes(rs.resource?.attributes ?? [])['service.name'])
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        out.push({
          service,
          traceId: bytesToHex(s.traceId),
          spanId: bytesToHex(s.spanId),
          parentSpanId: bytesToHex(s.parentSpanId),
          name: s.name,
          kind: s.kind,
          attributes: pbAttributes(s.attributes),
          statusCode: s.status?.code ?? 0,
        })
      }
    }
  }
  return out
}

export async function startOtlpCapture(): Promise<OtlpCapture> {
  const capture: OtlpCapture = {
    url: '',
    spans: [],
    requests: 0,
    contentTypes: [],
    contentEncodings: [],
    waitFor(predicate, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const started = Date.now()
        const check = (): void => {
          if (predicate(capture.spans)) resolve(capture.spans)
          else if (Date.now() - started > timeoutMs) reject(new Error(`timed out after ${timeoutMs} ms with ${capture.spans.length} spans`))
          else setTimeout(check, 50)
        }
        check()
      })
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      capture.requests++
      if (req.method === 'POST' && req.url === '/v1/traces') {
        const contentType = req.headers['content-type'] ?? ''
        capture.contentTypes.push(contentType)
        const encoding = req.headers['content-encoding'] ?? ''
        capture.contentEncodings.push(encoding)
        const body = encoding === 'gzip' ? gunzipSync(Buffer.concat(chunks)) : Buffer.concat(chunks)
        capture.spans.push(...(contentType.includes('json') ? fromJson(body) : fromProtobuf(body)))
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  capture.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return capture
}
