/**
 * The collector's HTTP app: OTLP/HTTP receivers for traces, logs and metrics, handing every
 * accepted item to the bus before answering. `build(deps)` wires it; it never listens (main.ts
 * does), so tests drive it with app.inject().
 *
 * A request's path, cheapest refusals first:
 *   onRequest   key → tenant (401/503), tenant in rate debt (429), in-flight bytes full (503);
 *               nothing of the body has been read yet
 *   parse       Content-Type protobuf/JSON (else 415), body ≤ http.maxBodyBytes on the wire (413)
 *   handler     Content-Encoding (415), bounded gunzip (413/400), decode (400), charge the
 *               tenant's buckets (429), item rules (partial success), records (traces: one
 *               per destination partition, by the bus's partitioner), bus.send,
 *               answer 200 only when the bus accepted every record (else 503 + Retry-After)
 * Nothing is half-acknowledged: one record refused fails the request, and the client resends
 * it whole (at-least-once: a retry after a partial bus write may duplicate records).
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import {
  countItems,
  decodeLogs,
  decodeMetrics,
  decodeTraces,
  encodeExportResponse,
  type Encoding,
  type OtlpDecodeError,
  type RequestOf,
  type Result,
  type Signal,
  type TracesRequest,
} from '@periscope/model'
import { TOPICS, createKeyedRateLimiter, type Bus, type BusRecord } from '@periscope/pipeline'
import { registerOperationalRoutes, type SelfMetrics } from '@periscope/runtime'
import { createCollectorMetrics, type CollectorMetrics, type RequestRejectReason } from './collector-metrics.ts'
import type { AppConfig } from './config.ts'
import { CONTENT_TYPES, collectorErrorHandler, statusOf, withRetryAfter } from './error-reply.ts'
import {
  BodyTooLarge,
  BusUnavailable,
  KeysUnavailable,
  MalformedBody,
  Overloaded,
  RateLimited,
  Unauthenticated,
  UnsupportedEncoding,
  UnsupportedMediaType,
} from './errors.ts'
import { MAX_RECORD_BYTES, toRecords } from './handoff/records.ts'
import { traceSlices } from './handoff/trace-slices.ts'
import { createLogThrottle } from './log-throttle.ts'
import { compressionOf, encodingOf, inflateBounded } from './request-body.ts'
import { bearerToken } from './tenants/api-key.ts'
import type { TenantResolver } from './tenants/tenant-resolver.ts'
import { rejectionMessage } from './validate/item-rules.ts'
import { ITEM_NAMES, validateRequest } from './validate/validate-request.ts'

// What a process that wires the collector needs besides build() (main.ts, the all-in-one
// launcher, the benchmark): the package exports only this module.
export type { AppConfig, CollectorConfig } from './config.ts'
export { CollectorConfigSchema, loadCollectorConfig } from './config.ts'
export { generateApiKey, parseApiKey } from './tenants/api-key.ts'
export { createTenantResolver, createMemoryApiKeySource, type TenantResolver, type ApiKeySource } from './tenants/tenant-resolver.ts'
export { createStoreApiKeySource, createApiKey, revokeApiKey, ensureTenant } from './tenants/store-api-keys.ts'
export { DEFAULT_ITEM_RULES } from './validate/item-rules.ts'

export interface Clock {
  /** wall-clock unix ms (item time windows, key cache, token buckets) */
  nowMs(): number
}

export interface CollectorDeps {
  config: AppConfig
  logger: Logger
  bus: Bus
  tenants: TenantResolver
  metrics: SelfMetrics
  clock?: Clock
  /** bytes of one bus record; 1 MiB unless a test needs smaller */
  maxRecordBytes?: number
}

/** Per-request state, from onRequest to the response. */
interface OtlpState {
  signal: Signal
  tenantId: string
  /** bytes counted against http.maxInflightBytes by this request */
  reservedBytes: number
  /** items decoded, once known */
  items: number
}

declare module 'fastify' {
  interface FastifyRequest {
    otlp: OtlpState | null
  }
}

const DECODERS: { [S in Signal]: (body: Uint8Array, encoding: Encoding) => Result<RequestOf[S], OtlpDecodeError> } = {
  traces: decodeTraces,
  logs: decodeLogs,
  metrics: decodeMetrics,
}

const REASON_BY_CODE: Record<string, RequestRejectReason> = {
  PERISCOPE_ERR_COLLECTOR_MALFORMED_BODY: 'malformed',
  PERISCOPE_ERR_COLLECTOR_UNAUTHENTICATED: 'unauthenticated',
  PERISCOPE_ERR_COLLECTOR_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  PERISCOPE_ERR_COLLECTOR_UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  PERISCOPE_ERR_COLLECTOR_UNSUPPORTED_ENCODING: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  PERISCOPE_ERR_COLLECTOR_RATE_LIMITED: 'rate_limited',
  PERISCOPE_ERR_COLLECTOR_OVERLOADED: 'overloaded',
  PERISCOPE_ERR_COLLECTOR_KEYS_UNAVAILABLE: 'keys_unavailable',
  PERISCOPE_ERR_COLLECTOR_BUS_UNAVAILABLE: 'bus_unavailable',
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

export async function build(deps: CollectorDeps): Promise<FastifyInstance> {
  const { config, logger, bus, tenants } = deps
  const clock = deps.clock ?? { nowMs: () => Date.now() }
  const maxRecordBytes = deps.maxRecordBytes ?? MAX_RECORD_BYTES
  const maxBodyBytes = config.http.maxBodyBytes
  let inflightBytes = 0
  let closing = false

  const metrics: CollectorMetrics = createCollectorMetrics(deps.metrics, () => inflightBytes)
  const logs = createLogThrottle(logger, 10_000, clock.nowMs)
  const limiter = createKeyedRateLimiter({
    defaults: config.limits.defaults,
    overrides: config.limits.tenants,
    maxKeys: config.limits.maxTrackedTenants,
    nowMs: clock.nowMs,
  })

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // one line per request would be a debug line per event; the metrics count requests instead
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: maxBodyBytes,
    routerOptions: { ignoreTrailingSlash: true },
    return503OnClosing: true,
  })
  app.decorateRequest('otlp', null)

  // Only the two OTLP media types are parsed, and as raw bytes: the model decodes them. Any other
  // Content-Type is refused by fastify with FST_ERR_CTP_INVALID_MEDIA_TYPE (415).
  app.removeAllContentTypeParsers()
  app.addContentTypeParser([CONTENT_TYPES.protobuf, CONTENT_TYPES.json], { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_request, body, done) => {
    done(null, body)
  })

  app.setErrorHandler(collectorErrorHandler(logger))
  app.addHook('onError', async (request, _reply, error) => {
    const state = request.otlp
    if (!state) return
    const code = (error as { code?: unknown }).code
    const reason = typeof code === 'string' ? REASON_BY_CODE[code] : undefined
    const status = statusOf(error)
    // errors raised before decoding know no items; they count bytes by Content-Length
    if (reason && state.items === 0) metrics.requestRejected(state.signal, reason, 0, contentLength(request))
    else if (!reason && status < 500) metrics.requestRejected(state.signal, 'malformed', state.items, contentLength(request))
  })
  app.addHook('preClose', async () => {
    closing = true
  })

  registerOperationalRoutes(app, {
    metrics: deps.metrics,
    ready: async () => {
      if (closing) return { ready: false, reason: 'shutting down' }
      return (await bus.ready()) ? true : { ready: false, reason: 'the bus cannot accept writes' }
    },
  })

  function release(request: FastifyRequest): void {
    const state = request.otlp
    if (state && state.reservedBytes > 0) {
      inflightBytes -= state.reservedBytes
      state.reservedBytes = 0
    }
  }

  async function admit(signal: Signal, request: FastifyRequest): Promise<void> {
    const state: OtlpState = { signal, tenantId: '', reservedBytes: 0, items: 0 }
    request.otlp = state
    const key = bearerToken(request.headers.authorization)
    if (key === null) throw new Unauthenticated('missing API key: send Authorization: Bearer <key>')
    const outcome = await tenants.resolve(key)
    if (!outcome.ok) {
      if (outcome.reason === 'unavailable') {
        logs.log('warn', 'keys', { err: outcome.error }, 'API key lookup failed; answering 503')
        throw withRetryAfter(new KeysUnavailable(), 1000)
      }
      throw new Unauthenticated(outcome.reason === 'revoked' ? 'the API key was revoked' : 'unknown API key')
    }
    state.tenantId = outcome.tenantId
    const debt = limiter.precheck(outcome.tenantId)
    if (!debt.ok) throw withRetryAfter(new RateLimited(outcome.tenantId, Math.ceil(debt.retryAfterMs / 1000)), debt.retryAfterMs)
    // a single request is always admitted when nothing else is in flight, so any size fits once
    const reserve = Math.min(contentLength(request), maxBodyBytes)
    if (inflightBytes > 0 && inflightBytes + reserve > config.http.maxInflightBytes) throw withRetryAfter(new Overloaded(), 1000)
    inflightBytes += reserve
    state.reservedBytes = reserve
  }

  async function receive(signal: Signal, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const state = request.otlp!
    const encoding = encodingOf(request.headers['content-type'])
    if (encoding === null) throw new UnsupportedMediaType(JSON.stringify(request.headers['content-type'] ?? ''))
    const compression = compressionOf(request.headers['content-encoding'])
    if (compression === null) throw new UnsupportedEncoding(JSON.stringify(request.headers['content-encoding']))
    const wire = (request.body as Buffer | undefined) ?? Buffer.alloc(0)
    // traces: one record per destination partition (null: a record per trace, see records.ts)
    const partitioner = signal === 'traces' && bus.partitioner ? await bus.partitioner(TOPICS.traces) : null
    // the decoded request lives only inside prepare(): it is garbage before the bus write is awaited
    const { records, acceptedItems, bytes, response } = prepare(signal, state, compression === 'gzip' ? await inflated(wire, state) : wire, encoding, partitioner?.partitionOf ?? null)

    if (records.length > 0) {
      const outcome = await bus.send(TOPICS[signal], records)
      if (outcome.status !== 'success') {
        metrics.busError(signal, outcome.status)
        metrics.requestRejected(signal, 'bus_unavailable', acceptedItems, bytes)
        if (outcome.status === 'failure') logs.log('error', 'bus-failure', { err: outcome.error, signal }, 'the bus refused records permanently; answering 503')
        else logs.log('warn', 'bus-retryable', { err: outcome.error, signal }, 'the bus could not accept records now; answering 503')
        const retryAfterMs = outcome.status === 'retryable' ? outcome.retryAfterMs : undefined
        throw withRetryAfter(new BusUnavailable({ cause: outcome.error }), retryAfterMs)
      }
      let recordBytes = 0
      for (const record of records) recordBytes += record.value.length
      metrics.recordsSent(signal, records.length, recordBytes)
    }
    metrics.accepted(signal, acceptedItems, bytes)
    return reply.code(200).header('content-type', CONTENT_TYPES[encoding]).send(asBuffer(response))
  }

  /** The inflated body, held against the in-flight budget too (the wire bytes already are). */
  async function inflated(wire: Buffer, state: OtlpState): Promise<Buffer> {
    const result = await inflateBounded(wire, maxBodyBytes)
    if (!result.ok) {
      if (result.reason === 'too_large') throw new BodyTooLarge(`${result.message} (limit http.maxBodyBytes)`)
      throw new MalformedBody(result.message)
    }
    inflightBytes += result.body.length
    state.reservedBytes += result.body.length
    return result.body
  }

  /** decode → rate charge → item rules → records and the 200 answer's body; throws the 4xx errors */
  function prepare(
    signal: Signal,
    state: OtlpState,
    body: Buffer,
    encoding: Encoding,
    partitionOf: ((key: Buffer) => number) | null,
  ): { records: BusRecord[]; acceptedItems: number; bytes: number; response: Uint8Array } {
    const decoded = decodeSafely(signal, body, encoding)
    if (!decoded.ok) throw new MalformedBody(decoded.error.message)
    const otlp = decoded.value
    const items = countItems(signal, otlp)
    state.items = items
    const bytes = body.length

    const charge = limiter.take(state.tenantId, { bytes, items })
    if (!charge.ok) {
      metrics.received(signal, items, bytes)
      metrics.requestRejected(signal, 'rate_limited', items, bytes)
      throw withRetryAfter(new RateLimited(state.tenantId, Math.ceil(charge.retryAfterMs / 1000)), charge.retryAfterMs)
    }

    // where the spans sit in the body, taken before validation filters the lists in place
    const slices = signal === 'traces' && encoding === 'protobuf' ? traceSlices(body, otlp as TracesRequest) : null
    const tally = validateRequest(signal, otlp, config.items, clock.nowMs())
    // the tally's count, not countItems: it also counts invalid metrics that carry no points
    metrics.received(signal, tally.received, bytes)
    const records = tally.rejected < tally.received ? toRecords(signal, otlp, { tenantId: state.tenantId, maxRecordBytes, partitionOf, protobufBody: encoding === 'protobuf' ? body : null }, tally, slices) : []
    metrics.itemsRejected(signal, tally)
    const response = encodeExportResponse(signal, { rejected: tally.rejected, message: rejectionMessage(tally, ITEM_NAMES[signal]) }, encoding)
    return { records, acceptedItems: tally.received - tally.rejected, bytes, response }
  }

  function decodeSafely<S extends Signal>(signal: S, body: Buffer, encoding: Encoding): Result<RequestOf[S], { message: string }> {
    try {
      return DECODERS[signal](body, encoding) as Result<RequestOf[S], OtlpDecodeError>
    } catch (error) {
      // the model promises never to throw on input; if it does, the input is still the client's
      // and the answer a 400, while the log says a decoder has a bug to fix
      logs.log('error', 'decoder-threw', { err: error, signal }, 'OTLP decoder threw instead of returning an error')
      return { ok: false, error: { message: 'the body could not be decoded' } }
    }
  }

  for (const signal of ['traces', 'logs', 'metrics'] as const) {
    app.post(`/v1/${signal}`, {
      onRequest: async (request) => admit(signal, request),
      onResponse: async (request, reply) => {
        release(request)
        metrics.requestDone(signal, reply.statusCode, reply.elapsedTime / 1000)
      },
      onRequestAbort: async (request) => release(request),
      handler: async (request, reply) => receive(signal, request, reply),
    })
  }

  return app
}

function contentLength(request: FastifyRequest): number {
  const header = request.headers['content-length']
  const n = header === undefined ? 0 : Number(header)
  return Number.isFinite(n) && n > 0 ? n : 0
}
