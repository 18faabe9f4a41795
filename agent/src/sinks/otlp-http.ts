/**
 * The `otlp_http` sink: ships DiskBuffer entries, oldest first, one request at a time, to the
 * collector as OTLP/HTTP protobuf (gzip) with the tenant's ingest key.
 *
 * Per entry:
 *   200            acknowledged: `onAcknowledged` runs (file checkpoints advance), then the
 *                  buffer entry is acknowledged. Items the collector rejected in a partial
 *                  success are counted as dropped.
 *   429/502/503/504, network error, timeout
 *                  retried, the same entry, after the server's Retry-After or a full-jitter
 *                  exponential backoff; these also feed the circuit breaker, which after
 *                  repeated failures holds all sending for `openDurationMs` and then probes.
 *   anything else (400, 401, 413, …)
 *                  permanent for this payload: it is dropped, counted by status class, and
 *                  logged at most once per `failureLogIntervalMs` with the number suppressed.
 * Order is kept: one request in flight, so acknowledgements (and checkpoints) follow entry order.
 */
import { promisify } from 'node:util'
import { gzip as gzipCallback } from 'node:zlib'
import { decodeExportResponse } from '@periscope/model'
import { createBackoff, createCircuitBreaker, outcomeForHttpStatus, type BackoffOptions, type DiskBuffer, type ExportOutcome } from '@periscope/pipeline'
import type { Logger } from '@periscope/runtime'
import type { AgentMetrics, ComponentCounters } from '../agent-metrics.ts'
import { decodeEntry, type AgentEntry } from '../buffer-entry.ts'

const gzip = promisify(gzipCallback)

export interface OtlpHttpSinkOptions {
  /** base URL of the collector, e.g. http://collector:4318 (the sink appends /v1/<signal>) */
  endpoint: string
  ingestKey: string
  timeoutMs: number
  compression: 'gzip' | 'none'
  gzipLevel: number
  retry: BackoffOptions
  breaker: { failureThreshold: number; openDurationMs: number }
  failureLogIntervalMs: number
}

export interface OtlpHttpSinkDeps {
  buffer: Pick<DiskBuffer, 'read' | 'ack' | 'waitForData'>
  /** runs after the collector's 200 and before the buffer forgets the entry */
  onAcknowledged: (entry: AgentEntry) => Promise<void>
  logger: Logger
  counters: ComponentCounters
  metrics: AgentMetrics['sink']
  now?: () => number
  random?: () => number
}

export interface OtlpHttpSink {
  start(): void
  /** stops after the request in flight (if any) ends; unsent entries stay in the buffer */
  stop(): Promise<void>
  /** one attempt for one entry */
  send(entry: AgentEntry): Promise<ExportOutcome>
  readonly breakerState: string
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}

export function createOtlpHttpSink(options: OtlpHttpSinkOptions, deps: OtlpHttpSinkDeps): OtlpHttpSink {
  const now = deps.now ?? Date.now
  const backoff = createBackoff(options.retry, deps.random)
  const breaker = createCircuitBreaker({
    ...options.breaker,
    now,
    onStateChange(from, to) {
      deps.metrics.breakerState.set(to === 'closed' ? 0 : 1)
      if (to === 'open') deps.logger.warn({ from }, 'collector unreachable: circuit breaker open, holding data in the disk buffer')
      else if (to === 'closed') deps.logger.info('collector reachable again: circuit breaker closed')
    },
  })
  const base = options.endpoint.replace(/\/+$/, '')
  const stopController = new AbortController()
  let loop: Promise<void> | undefined
  let lastFailureLogMs = Number.NEGATIVE_INFINITY
  let suppressedFailures = 0

  async function send(entry: AgentEntry): Promise<ExportOutcome> {
    const body = options.compression === 'gzip' ? await gzip(entry.body, { level: options.gzipLevel }) : entry.body
    const headers: Record<string, string> = { 'content-type': 'application/x-protobuf' }
    if (options.compression === 'gzip') headers['content-encoding'] = 'gzip'
    if (options.ingestKey) headers['authorization'] = `Bearer ${options.ingestKey}`
    let response: Response
    try {
      response = await fetch(`${base}/v1/${entry.signal}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(options.timeoutMs) })
    } catch (error) {
      return { status: 'retryable', reason: `network: ${(error as Error).message}` }
    }
    let responseBody: Uint8Array
    try {
      responseBody = new Uint8Array(await response.arrayBuffer())
    } catch (error) {
      return { status: 'retryable', reason: `network: ${(error as Error).message}` }
    }
    const outcome = outcomeForHttpStatus(response.status, response.headers.get('retry-after'), now())
    if (outcome.status === 'success' && responseBody.length > 0 && response.headers.get('content-type')?.includes('protobuf')) {
      const partial = decodeExportResponse(entry.signal, responseBody, 'protobuf')
      if (partial.ok && partial.value.rejected > 0) deps.counters.dropped(partial.value.rejected, 'rejected_by_collector')
    }
    return outcome
  }

  function reportFailure(entry: AgentEntry, outcome: Extract<ExportOutcome, { status: 'failure' }>, items: number): void {
    const status = outcome.httpStatus ?? 0
    deps.counters.dropped(items, status === 400 ? 'bad_request' : status === 401 || status === 403 ? 'unauthorized' : status === 413 ? 'too_large' : 'rejected')
    if (now() - lastFailureLogMs >= options.failureLogIntervalMs) {
      deps.logger.error(
        { signal: entry.signal, httpStatus: status, items, suppressedSinceLastLog: suppressedFailures },
        status === 401 || status === 403 ? 'collector refused the ingest key; data dropped — check collector.ingestKey' : 'collector rejected a batch permanently; data dropped',
      )
      lastFailureLogMs = now()
      suppressedFailures = 0
    } else {
      suppressedFailures++
    }
  }

  async function deliver(entry: AgentEntry): Promise<boolean> {
    const items = entry.meta.items ?? 0
    while (!stopController.signal.aborted) {
      if (!breaker.tryAcquire()) {
        await sleep(Math.max(10, breaker.msUntilRetry()), stopController.signal)
        continue
      }
      const outcome = await send(entry)
      if (outcome.status === 'success') {
        deps.metrics.requests.inc({ outcome: 'success' })
        breaker.recordSuccess()
        backoff.reset()
        deps.counters.sent(items)
        return true
      }
      if (outcome.status === 'failure') {
        deps.metrics.requests.inc({ outcome: 'failure' })
        // the collector answered: it is healthy, the payload is the problem
        breaker.recordSuccess()
        reportFailure(entry, outcome, items)
        return true
      }
      deps.metrics.requests.inc({ outcome: outcome.reason.startsWith('network') ? 'network' : 'retryable' })
      deps.counters.failed(1)
      breaker.recordFailure()
      await sleep(backoff.nextDelayMs(outcome.retryAfterMs), stopController.signal)
    }
    return false
  }

  async function run(): Promise<void> {
    while (!stopController.signal.aborted) {
      const stored = await deps.buffer.read()
      if (!stored) {
        await deps.buffer.waitForData(stopController.signal)
        continue
      }
      let entry: AgentEntry
      try {
        entry = decodeEntry(stored.payload)
      } catch (error) {
        deps.logger.error({ err: error, id: stored.id }, 'unreadable buffer entry dropped')
        deps.counters.dropped(1, 'corrupt_entry')
        await deps.buffer.ack(stored.id)
        continue
      }
      if (!(await deliver(entry))) return
      await deps.onAcknowledged(entry)
      await deps.buffer.ack(stored.id)
    }
  }

  return {
    start() {
      loop = run().catch((error: unknown) => deps.logger.error({ err: error }, 'sink stopped on an unexpected error'))
    },
    async stop() {
      stopController.abort()
      await loop
    },
    send,
    get breakerState() {
      return breaker.state
    },
  }
}
