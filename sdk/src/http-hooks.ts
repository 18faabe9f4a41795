/**
 * What the SDK adds to every HTTP server request through the http instrumentation's hooks:
 * the request id echoed in the response, and the request metrics (duration, count, in flight).
 *
 * The hooks run for sampled and unsampled requests alike, so the metrics count every request
 * whatever the sampling ratio. The route label comes from the RPC metadata that express and
 * fastify instrumentations (or `setHttpRoute`) fill in while the request runs; it is read when
 * the response closes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { context, type Span } from '@opentelemetry/api'
import { getRPCMetadata, RPCType } from '@opentelemetry/core'
import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http'
import type { SdkMetrics } from './metrics.ts'
import { currentRequestId } from './request-id.ts'

export interface HttpHooksOptions {
  metrics: SdkMetrics
  requestIdHeader: string
  /** Requests to this local port (our own /metrics server) get no span and no metrics. */
  ignoreLocalPort: () => number | undefined
}

function isServerResponse(value: unknown): value is ServerResponse {
  return typeof (value as ServerResponse).setHeader === 'function' && (value as ServerResponse).req !== undefined
}

export function createHttpHooks(options: HttpHooksOptions): Pick<HttpInstrumentationConfig, 'responseHook' | 'ignoreIncomingRequestHook'> {
  const { metrics, requestIdHeader } = options
  return {
    ignoreIncomingRequestHook(request: IncomingMessage): boolean {
      const port = options.ignoreLocalPort()
      return port !== undefined && request.socket?.localPort === port
    },
    responseHook(_span: Span, response: IncomingMessage | ServerResponse): void {
      if (!isServerResponse(response)) return
      const request = response.req
      const requestId = currentRequestId()
      if (requestId !== undefined && !response.headersSent && !response.hasHeader(requestIdHeader)) {
        response.setHeader(requestIdHeader, requestId)
      }
      const rpcMetadata = getRPCMetadata(context.active())
      const startMs = performance.now()
      const ended = metrics.serverRequestStarted(request.method)
      response.once('close', () => {
        ended()
        metrics.observeServerRequest({
          method: request.method,
          route: rpcMetadata?.type === RPCType.HTTP ? rpcMetadata.route : undefined,
          statusCode: response.writableFinished ? response.statusCode : undefined,
          durationSeconds: (performance.now() - startMs) / 1000,
        })
      })
    },
  }
}

/**
 * Names the route template of the current request (`/orders/:id`) for a server without a router
 * instrumentation (plain `node:http`). Sets the span's `http.route` and the metrics' route label.
 * Returns false outside an instrumented request.
 */
export function setHttpRoute(route: string): boolean {
  const rpcMetadata = getRPCMetadata(context.active())
  if (rpcMetadata?.type !== RPCType.HTTP) return false
  rpcMetadata.route = route
  return true
}
