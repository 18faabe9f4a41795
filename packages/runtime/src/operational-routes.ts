/**
 * Routes every service exposes outside its API, for Kubernetes probes and Prometheus:
 *   GET /healthz  200 {"status":"ok"} while the process is up (liveness: never checks dependencies,
 *                 so a slow database does not get the pod restarted)
 *   GET /readyz   200 {"status":"ready"} when ready() says so, else 503 {"status":"not ready","reason"}
 *                 (readiness: dependencies reachable, schema current, not shutting down)
 *   GET /metrics  Prometheus text exposition of the service's registry
 * Probe requests are logged only at warn and above so they do not fill the logs.
 */
import type { FastifyInstance } from 'fastify'
import type { SelfMetrics } from './self-metrics.ts'

export type Readiness = boolean | { readonly ready: boolean; readonly reason?: string | undefined }

export interface OperationalRoutesOptions {
  /** Whether the service can take traffic; a throw or a timeout counts as not ready. */
  readonly ready: () => Readiness | Promise<Readiness>
  readonly metrics: Pick<SelfMetrics, 'text' | 'contentType'>
  /** How long /readyz waits for ready() before answering 503; defaults to 2000 ms. Keep it below the probe's timeoutSeconds. */
  readonly readyTimeoutMs?: number
}

export function registerOperationalRoutes(app: FastifyInstance, options: OperationalRoutesOptions): void {
  const readyTimeoutMs = options.readyTimeoutMs ?? 2000

  app.get('/healthz', { logLevel: 'warn' }, async (_request, reply) => {
    return reply.code(200).send({ status: 'ok' })
  })

  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const state = await checkReady(options.ready, readyTimeoutMs)
    if (state.ready) return reply.code(200).send({ status: 'ready' })
    return reply.code(503).send({ status: 'not ready', reason: state.reason })
  })

  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    const body = await options.metrics.text()
    return reply.code(200).header('content-type', options.metrics.contentType).send(body)
  })
}

async function checkReady(ready: OperationalRoutesOptions['ready'], timeoutMs: number): Promise<{ ready: boolean; reason: string }> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<{ ready: false; reason: string }>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reason: `readiness check did not answer within ${timeoutMs} ms` }), timeoutMs)
  })
  const check = (async () => {
    try {
      const state = await ready()
      if (typeof state === 'boolean') return { ready: state, reason: state ? '' : 'not ready' }
      return { ready: state.ready, reason: state.reason ?? (state.ready ? '' : 'not ready') }
    } catch (error) {
      return { ready: false, reason: `readiness check failed: ${(error as Error).message}` }
    }
  })()
  try {
    return await Promise.race([check, timeout])
  } finally {
    clearTimeout(timer)
  }
}
