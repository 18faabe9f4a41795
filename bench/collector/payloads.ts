/**
 * Request bodies for the collector benchmark: export requests of `spansPerRequest` spans shaped
 * like what an instrumented HTTP service sends through the OpenTelemetry SDK (a resource with the
 * usual SDK and host attributes, one scope, server and client spans of ~10 attributes, a few
 * traces per request), in protobuf, OTLP/JSON, and protobuf+gzip.
 */
import { randomBytes } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { encodeTraces, type KeyValue, type Span, type TracesRequest } from '@periscope/model'

const s = (key: string, value: string): KeyValue => ({ key, value: { type: 'string', value } })
const i = (key: string, value: number): KeyValue => ({ key, value: { type: 'int', value: BigInt(value) } })

function makeSpan(traceId: Uint8Array, parent: Uint8Array, startNs: bigint, n: number): Span {
  const server = n % 5 === 0
  return {
    traceId,
    spanId: randomBytes(8),
    traceState: '',
    parentSpanId: parent,
    flags: 1,
    name: server ? 'GET /api/orders/:id' : `SELECT orders ${n % 7}`,
    kind: server ? 2 : 3,
    startTimeUnixNano: startNs,
    endTimeUnixNano: startNs + BigInt(1_000_000 + n * 1000),
    attributes: [
      s('http.request.method', 'GET'),
      s('url.path', `/api/orders/${1000 + n}`),
      s('url.scheme', 'http'),
      i('http.response.status_code', 200),
      s('server.address', 'orders.shop.svc.cluster.local'),
      i('server.port', 8080),
      s('network.protocol.version', '1.1'),
      s('user_agent.original', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36'),
      s('db.system', 'postgresql'),
      s('db.statement', 'SELECT id, total, status FROM orders WHERE id = $1'),
    ],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
  }
}

export function tracesRequest(spansPerRequest: number, nowMs: number): TracesRequest {
  const spans: Span[] = []
  const startNs = BigInt(nowMs) * 1_000_000n
  // 10 spans per trace: a server span and its children
  for (let n = 0; spans.length < spansPerRequest; n++) {
    const traceId = randomBytes(16)
    const root = makeSpan(traceId, new Uint8Array(0), startNs, n * 10)
    spans.push(root)
    for (let c = 1; c < 10 && spans.length < spansPerRequest; c++) {
      spans.push(makeSpan(traceId, root.spanId, startNs + BigInt(c * 10_000), n * 10 + c))
    }
  }
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [
            s('service.name', 'orders'),
            s('service.version', '1.4.2'),
            s('deployment.environment', 'production'),
            s('telemetry.sdk.language', 'nodejs'),
            s('telemetry.sdk.name', 'opentelemetry'),
            s('telemetry.sdk.version', '2.12.0'),
            s('host.name', 'orders-7d9f8b6c5-x2x4p'),
            s('k8s.pod.name', 'orders-7d9f8b6c5-x2x4p'),
            s('k8s.namespace.name', 'shop'),
          ],
          droppedAttributesCount: 0,
          entityRefs: [],
        },
        scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.223.0', attributes: [], droppedAttributesCount: 0 }, spans, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  }
}

export type BodyKind = 'protobuf' | 'json' | 'protobuf+gzip'

export interface Body {
  bytes: Buffer
  contentType: string
  contentEncoding?: string
}

/** `count` distinct bodies (distinct ids), so no layer can cache its way through the run. */
export function bodies(kind: BodyKind, count: number, spansPerRequest: number, nowMs: number): Body[] {
  const out: Body[] = []
  for (let n = 0; n < count; n++) {
    const req = tracesRequest(spansPerRequest, nowMs)
    if (kind === 'json') out.push({ bytes: Buffer.from(encodeTraces(req, 'json')), contentType: 'application/json' })
    else {
      const pb = Buffer.from(encodeTraces(req, 'protobuf'))
      out.push(kind === 'protobuf' ? { bytes: pb, contentType: 'application/x-protobuf' } : { bytes: gzipSync(pb), contentType: 'application/x-protobuf', contentEncoding: 'gzip' })
    }
  }
  return out
}
