/**
 * The `otlp_http` source: an OTLP/HTTP receiver for the SDKs on this host.
 *   POST /v1/traces | /v1/logs | /v1/metrics
 *   Content-Type application/x-protobuf or application/json; Content-Encoding gzip or identity
 *
 *   200  the request is durable in the DiskBuffer; body: an empty Export…ServiceResponse in the
 *        request's encoding
 *   400  undecodable body (google.rpc.Status, code 3, naming the field)
 *   413  body larger than maxBodyBytes, compressed or inflated
 *   415  another content type or encoding
 *   503  the buffer is full; Retry-After tells the SDK when to try again (the OTLP exporters
 *        honour it), so back-pressure reaches the producer instead of data being dropped here
 * Resources lacking host.name (and k8s.node.name when known) get this host's values; the
 * request is stored re-encoded as protobuf, whatever it arrived as.
 */
import { promisify } from 'node:util'
import { gunzip as gunzipCallback } from 'node:zlib'
import type { FastifyInstance, FastifyReply } from 'fastify'
import {
  decodeLogs,
  decodeMetrics,
  decodeTraces,
  encodeExportResponse,
  encodeLogs,
  encodeMetrics,
  encodeRpcStatus,
  encodeTraces,
  type Encoding,
  type KeyValue,
  type Resource,
  type Signal,
} from '@periscope/model'
import type { AppendResult } from '@periscope/pipeline'
import type { ComponentCounters } from '../../agent-metrics.ts'
import { encodeEntry } from '../../buffer-entry.ts'
import { withMissingAttributes } from '../../transforms/enrich.ts'

const gunzip = promisify(gunzipCallback)

export interface OtlpReceiverOptions {
  maxBodyBytes: number
  retryAfterSeconds: number
}

export interface OtlpReceiverDeps {
  buffer: { append(payload: Uint8Array): Promise<AppendResult> }
  resourceAttributes: readonly KeyValue[]
  counters: ComponentCounters
}

const PROTOBUF = 'application/x-protobuf'
const JSON_TYPE = 'application/json'

function enrichResource(resource: Resource | null, extra: readonly KeyValue[]): Resource {
  if (!resource) return { attributes: [...extra], droppedAttributesCount: 0, entityRefs: [] }
  return { ...resource, attributes: withMissingAttributes(resource.attributes, extra) }
}

function prepare(signal: Signal, body: Uint8Array, encoding: Encoding, extra: readonly KeyValue[]): { ok: true; protobuf: Uint8Array; items: number } | { ok: false; message: string } {
  switch (signal) {
    case 'traces': {
      const decoded = decodeTraces(body, encoding)
      if (!decoded.ok) return { ok: false, message: decoded.error.message }
      const request = { resourceSpans: decoded.value.resourceSpans.map((r) => ({ ...r, resource: enrichResource(r.resource, extra) })) }
      const items = request.resourceSpans.reduce((n, r) => n + r.scopeSpans.reduce((m, s) => m + s.spans.length, 0), 0)
      return { ok: true, protobuf: encodeTraces(request, 'protobuf'), items }
    }
    case 'logs': {
      const decoded = decodeLogs(body, encoding)
      if (!decoded.ok) return { ok: false, message: decoded.error.message }
      const request = { resourceLogs: decoded.value.resourceLogs.map((r) => ({ ...r, resource: enrichResource(r.resource, extra) })) }
      const items = request.resourceLogs.reduce((n, r) => n + r.scopeLogs.reduce((m, s) => m + s.logRecords.length, 0), 0)
      return { ok: true, protobuf: encodeLogs(request, 'protobuf'), items }
    }
    case 'metrics': {
      const decoded = decodeMetrics(body, encoding)
      if (!decoded.ok) return { ok: false, message: decoded.error.message }
      const request = { resourceMetrics: decoded.value.resourceMetrics.map((r) => ({ ...r, resource: enrichResource(r.resource, extra) })) }
      const items = request.resourceMetrics.reduce(
        (n, r) => n + r.scopeMetrics.reduce((m, s) => m + s.metrics.reduce((k, metric) => k + ('dataPoints' in metric.data ? metric.data.dataPoints.length : 0), 0), 0),
        0,
      )
      return { ok: true, protobuf: encodeMetrics(request, 'protobuf'), items }
    }
  }
}

export function registerOtlpReceiver(app: FastifyInstance, options: OtlpReceiverOptions, deps: OtlpReceiverDeps): void {
  app.register(async (scope) => {
    // bodies arrive as raw bytes whatever their type; decoding is ours
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.maxBodyBytes }, (_request, body, done) => done(null, body))

    for (const signal of ['traces', 'logs', 'metrics'] as const) {
      scope.post(`/v1/${signal}`, async (request, reply) => {
        const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
        const encoding: Encoding | undefined = type === PROTOBUF ? 'protobuf' : type === JSON_TYPE ? 'json' : undefined
        if (!encoding) return reply.code(415).send({ error: `unsupported content type ${type || '(none)'}; use ${PROTOBUF} or ${JSON_TYPE}` })
        const status = (code: number, httpStatus: number, message: string): FastifyReply =>
          reply.code(httpStatus).header('content-type', encoding === 'json' ? JSON_TYPE : PROTOBUF).send(Buffer.from(encodeRpcStatus({ code, message }, encoding)))

        let body = (request.body as Buffer | undefined) ?? Buffer.alloc(0)
        const contentEncoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase()
        if (contentEncoding === 'gzip') {
          try {
            body = await gunzip(body, { maxOutputLength: options.maxBodyBytes })
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return status(8, 413, `inflated body exceeds ${options.maxBodyBytes} bytes`)
            return status(3, 400, 'body is not valid gzip')
          }
        } else if (contentEncoding !== 'identity') {
          return reply.code(415).send({ error: `unsupported content encoding ${contentEncoding}; use gzip or identity` })
        }

        const prepared = prepare(signal, body, encoding, deps.resourceAttributes)
        if (!prepared.ok) {
          deps.counters.failed(1)
          return status(3, 400, prepared.message)
        }
        deps.counters.received(prepared.items)
        const result = await deps.buffer.append(encodeEntry({ signal, meta: { items: prepared.items }, body: prepared.protobuf }))
        if (!result.ok) {
          // not a drop: the SDK keeps the data and retries after Retry-After
          deps.counters.failed(1)
          reply.header('retry-after', String(options.retryAfterSeconds))
          return status(14, 503, 'agent buffer is full; retry later')
        }
        deps.counters.sent(prepared.items)
        return reply
          .code(200)
          .header('content-type', encoding === 'json' ? JSON_TYPE : PROTOBUF)
          .send(Buffer.from(encodeExportResponse(signal, { rejected: 0, message: '' }, encoding)))
      })
    }
  })
}
