/**
 * The metrics one SDK instance exposes in Prometheus text format for the agent to scrape:
 * runtime defaults (CPU, memory, heap, event-loop delay, GC), HTTP server request metrics, and the
 * SDK's own counters. One prom-client registry per instance, never the global one.
 *
 * Labels are bounded: `method` is one of the standard HTTP methods or `_OTHER`; `route` is the
 * route template the framework matched (`/users/:id`, never the raw URL), `unmatched` when none
 * was, and `other` once `maxRoutes` distinct templates have been seen; `status_class` is `2xx`…`5xx`
 * or `aborted` when the connection closed before the response finished.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

/** OpenTelemetry's recommended buckets for http.server.request.duration, in seconds. */
export const DEFAULT_LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'])
export const UNMATCHED_ROUTE = 'unmatched'
export const OVERFLOW_ROUTE = 'other'

export type SpanDropReason = 'queue_full' | 'export_failed'

export interface ServerRequestObservation {
  method: string | undefined
  route: string | undefined
  /** undefined when the response never completed */
  statusCode: number | undefined
  durationSeconds: number
}

export interface SdkMetricsOptions {
  service: string
  latencyBucketsSeconds?: readonly number[]
  /** Collect runtime default metrics. Default true. */
  runtime?: boolean
  /** Distinct route label values kept before folding into `other`. Default 500. */
  maxRoutes?: number
}

export interface SdkMetrics {
  readonly registry: Registry
  readonly contentType: string
  /** The exposition text of every metric of this instance. */
  text(): Promise<string>
  observeServerRequest(observation: ServerRequestObservation): void
  /** Marks a request in flight; call the returned function once when it ends. */
  serverRequestStarted(method: string | undefined): () => void
  spansExported(count: number): void
  spansDropped(reason: SpanDropReason, count: number): void
  /** Reads a monotonic count maintained elsewhere (e.g. log lines dropped) at scrape time. */
  countFrom(name: string, help: string, read: () => number): void
}

export function normaliseMethod(method: string | undefined): string {
  const m = (method ?? 'GET').toUpperCase()
  return METHODS.has(m) ? m : '_OTHER'
}

export function statusClass(statusCode: number | undefined): string {
  if (statusCode === undefined) return 'aborted'
  return statusCode >= 100 && statusCode <= 599 ? `${Math.floor(statusCode / 100)}xx` : 'unknown'
}

export function createSdkMetrics(options: SdkMetricsOptions): SdkMetrics {
  const registry = new Registry()
  registry.setDefaultLabels({ service: options.service })
  if (options.runtime !== false) collectDefaultMetrics({ register: registry })
  const maxRoutes = options.maxRoutes ?? 500
  const routes = new Set<string>()

  const labelNames = ['method', 'route', 'status_class'] as const
  const duration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests, from the request event to the response closing.',
    labelNames,
    buckets: [...(options.latencyBucketsSeconds ?? DEFAULT_LATENCY_BUCKETS_SECONDS)],
    registers: [registry],
  })
  const requests = new Counter({
    name: 'http_server_requests_total',
    help: 'HTTP server requests by method, route template and status class.',
    labelNames,
    registers: [registry],
  })
  const active = new Gauge({
    name: 'http_server_active_requests',
    help: 'HTTP server requests in flight.',
    labelNames: ['method'],
    registers: [registry],
  })
  const exported = new Counter({
    name: 'periscope_sdk_spans_exported_total',
    help: 'Spans the exporter delivered to the endpoint.',
    registers: [registry],
  })
  const dropped = new Counter({
    name: 'periscope_sdk_spans_dropped_total',
    help: 'Spans lost: queue_full = the export queue was full (endpoint slow or down), export_failed = the endpoint refused or could not be reached.',
    labelNames: ['reason'],
    registers: [registry],
  })
  // Present from the first scrape, so a rate() over it is defined before the first drop.
  dropped.inc({ reason: 'queue_full' }, 0)
  dropped.inc({ reason: 'export_failed' }, 0)

  function routeLabel(route: string | undefined): string {
    if (route === undefined || route === '') return UNMATCHED_ROUTE
    if (routes.has(route)) return route
    if (routes.size >= maxRoutes) return OVERFLOW_ROUTE
    routes.add(route)
    return route
  }

  return {
    registry,
    contentType: registry.contentType,
    text: () => registry.metrics(),
    observeServerRequest(o: ServerRequestObservation): void {
      const labels = { method: normaliseMethod(o.method), route: routeLabel(o.route), status_class: statusClass(o.statusCode) }
      duration.observe(labels, o.durationSeconds)
      requests.inc(labels)
    },
    serverRequestStarted(method: string | undefined): () => void {
      const labels = { method: normaliseMethod(method) }
      active.inc(labels)
      let ended = false
      return () => {
        if (ended) return
        ended = true
        active.dec(labels)
      }
    },
    spansExported(count: number): void {
      if (count > 0) exported.inc(count)
    },
    spansDropped(reason: SpanDropReason, count: number): void {
      if (count > 0) dropped.inc({ reason }, count)
    },
    countFrom(name: string, help: string, read: () => number): void {
      new Counter({
        name,
        help,
        registers: [registry],
        collect() {
          this.reset()
          this.inc(read())
        },
      })
    },
  }
}
