/**
 * The `otlp_http` sink: ships DiskBuffer entries, oldest first, to the collector as OTLP/HTTP
 * protobuf (gzip) with the tenant's ingest key, with up to `maxInFlight` requests at once.
 *
 * Why several: every answer waits for the collector's durable hand-off (an fsync on its bus) and
 * ours waits for the checkpoint's; one request at a time bounds throughput by that round trip, not
 * by CPU (bench/agent/throughput.ts measures both).
 *
 * Per entry:
 *   200            acknowledged: items the collector rejected in a partial success are counted as
 *                  dropped.
 *   429/502/503/504, network error, timeout
 *                  retried, the same entry, after the server's Retry-After or a full-jitter
 *                  exponential backoff (per entry); these also feed the circuit breaker (shared),
 *                  which after repeated failures holds all sending for `openDurationMs` and then
 *                  lets one probe through.
 *   anything else (400, 401, 413, …)
 *                  permanent for this payload: it is dropped, counted by status class, and
 *                  logged at most once per `failureLogIntervalMs` with the number suppressed.
 *
 * Order of acknowledgement (ack-window.ts): requests complete in any order, but `onAcknowledged`
 * (file checkpoints) and the buffer's acknowledgement (cumulative) only ever cover the contiguous
 * prefix of completed entries, oldest first; `onAcknowledged` runs before the buffer forgets them.
 * So a checkpoint never passes an entry the collector has not acknowledged, and after a crash that
 * entry is sent again — with the later ones already delivered (at-least-once: at most
 * `maxInFlight` entries are duplicated per crash, never one lost).
 *
 * Memory: at most `maxInFlight` entries are held; a new one is read only while the entries in
 * flight hold fewer than `maxInFlightBytes` (an empty window always takes one). A completed entry
 * keeps only its metadata until the earlier ones complete.
 * Reads (one at a time, in the reading loop) run concurrently with acknowledgements (one at a
 * time, in the commit chain): the DiskBuffer only acknowledges entries already read and deletes
 * only segments read to their end, so neither disturbs the other.
 */
import { promisify } from 'node:util'
import { gzip as gzipCallback } from 'node:zlib'
import { decodeExportResponse } from '@periscope/model'
import { createBackoff, createCircuitBreaker, outcomeForHttpStatus, type BackoffOptions, type BufferEntry, type DiskBuffer, type ExportOutcome } from '@periscope/pipeline'
import type { Logger } from '@periscope/runtime'
import type { AgentMetrics, ComponentCounters } from '../agent-metrics.ts'
import { decodeEntry, type AgentEntry, type EntryMeta } from '../buffer-entry.ts'
import { createAckWindow } from './ack-window.ts'

const gzip = promisify(gzipCallback)

export interface OtlpHttpSinkOptions {
  /** base URL of the collector, e.g. http://collector:4318 (the sink appends /v1/<signal>) */
  endpoint: string
  ingestKey: string
  timeoutMs: number
  compression: 'gzip' | 'none'
  gzipLevel: number
  /** export requests in flight at once (≥ 1) */
  maxInFlight: number
  /** a new entry is read only while those in flight hold fewer bytes than this */
  maxInFlightBytes: number
  retry: BackoffOptions
  breaker: { failureThreshold: number; openDurationMs: number }
  failureLogIntervalMs: number
}

/** The collector's answer to one POST, as the sink reads it. */
export interface HttpAnswer {
  status: number
  retryAfter: string | null
  contentType: string | null
  body: Uint8Array
}

/** One POST; throws on network errors and timeouts. */
export type HttpPost = (url: string, headers: Record<string, string>, body: Uint8Array, timeoutMs: number) => Promise<HttpAnswer>

export interface OtlpHttpSinkDeps {
  buffer: Pick<DiskBuffer, 'read' | 'ack' | 'waitForData'>
  /**
   * runs for entries the collector acknowledged (or permanently refused), oldest first, each only
   * once every earlier entry did too, and before the buffer forgets them
   */
  onAcknowledged: (acknowledged: readonly EntryMeta[]) => Promise<void>
  logger: Logger
  counters: ComponentCounters
  metrics: AgentMetrics['sink']
  /** fetch unless a test gives another transport */
  post?: HttpPost
  now?: () => number
  random?: () => number
}

export interface SinkStats {
  /** requests in flight (each retrying until it is answered for good) */
  inFlight: number
  inFlightBytes: number
  /** entries answered for good whose acknowledgement is not recorded yet: waiting for an earlier entry's answer, or being recorded */
  awaitingEarlier: number
}

export interface OtlpHttpSink {
  start(): void
  /** stops after the requests in flight (if any) end; unsent entries stay in the buffer */
  stop(): Promise<void>
  /** one attempt for one entry */
  send(entry: AgentEntry): Promise<ExportOutcome>
  stats(): SinkStats
  readonly breakerState: string
}

const fetchPost: HttpPost = async (url, headers, body, timeoutMs) => {
  const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) })
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    contentType: response.headers.get('content-type'),
    body: new Uint8Array(await response.arrayBuffer()),
  }
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

/**
 * Wake-ups for the reading loop, by version: `wait(since)` resolves at once when a notify came
 * after `since` was read, so a notify between a check and the wait is never lost; a waiter left
 * behind by a race resolves with the next notify.
 */
function createWakeup(): { readonly version: number; notify(): void; wait(since: number): Promise<void> } {
  let version = 0
  let waiters: Array<() => void> = []
  return {
    get version() {
      return version
    },
    notify() {
      version++
      const woken = waiters
      waiters = []
      for (const wake of woken) wake()
    },
    wait(since) {
      if (version !== since) return Promise.resolve()
      return new Promise<void>((resolve) => waiters.push(resolve))
    },
  }
}

type Delivery = 'acknowledged' | 'dropped' | 'stopped'

const WAIT_OVER = 'wait over'

export function createOtlpHttpSink(options: OtlpHttpSinkOptions, deps: OtlpHttpSinkDeps): OtlpHttpSink {
  const now = deps.now ?? Date.now
  const post = deps.post ?? fetchPost
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
  const stopped = stopController.signal
  // a slot holds the entry while in flight, only its metadata once answered
  const window = createAckWindow<{ meta: EntryMeta }>({ maxEntries: options.maxInFlight, maxBytes: options.maxInFlightBytes })
  const deliveries = new Set<Promise<void>>()
  const wakeup = createWakeup()
  let loop: Promise<void> | undefined
  let committing: Promise<void> | undefined
  let commitAgain = false
  let broken = false
  let lastFailureLogMs = Number.NEGATIVE_INFINITY
  let suppressedFailures = 0

  function phase(name: 'read' | 'compress' | 'request' | 'commit' | 'wait_data' | 'wait_window', sinceMs: number): void {
    deps.metrics.phaseSeconds.inc({ phase: name }, (performance.now() - sinceMs) / 1000)
  }

  async function send(entry: AgentEntry): Promise<ExportOutcome> {
    const t0 = performance.now()
    const body = options.compression === 'gzip' ? await gzip(entry.body, { level: options.gzipLevel }) : entry.body
    phase('compress', t0)
    const headers: Record<string, string> = { 'content-type': 'application/x-protobuf' }
    if (options.compression === 'gzip') headers['content-encoding'] = 'gzip'
    if (options.ingestKey) headers['authorization'] = `Bearer ${options.ingestKey}`
    const t1 = performance.now()
    let answer: HttpAnswer
    try {
      answer = await post(`${base}/v1/${entry.signal}`, headers, body, options.timeoutMs)
    } catch (error) {
      return { status: 'retryable', reason: `network: ${(error as Error).message}` }
    } finally {
      phase('request', t1)
    }
    const outcome = outcomeForHttpStatus(answer.status, answer.retryAfter, now())
    if (outcome.status === 'success' && answer.body.length > 0 && answer.contentType?.includes('protobuf')) {
      const partial = decodeExportResponse(entry.signal, answer.body, 'protobuf')
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

  /** sends one entry until it is answered for good, or the sink stops */
  async function deliver(entry: AgentEntry): Promise<Delivery> {
    const items = entry.meta.items ?? 0
    // per entry: entries in flight together fail together, and must not multiply each other's waits
    const backoff = createBackoff(options.retry, deps.random)
    while (!stopped.aborted) {
      if (!breaker.tryAcquire()) {
        await sleep(Math.max(10, breaker.msUntilRetry()), stopped)
        continue
      }
      const outcome = await send(entry)
      if (outcome.status === 'success') {
        deps.metrics.requests.inc({ outcome: 'success' })
        breaker.recordSuccess()
        deps.counters.sent(items)
        return 'acknowledged'
      }
      if (outcome.status === 'failure') {
        deps.metrics.requests.inc({ outcome: 'failure' })
        // the collector answered: it is healthy, the payload is the problem
        breaker.recordSuccess()
        reportFailure(entry, outcome, items)
        return 'dropped'
      }
      deps.metrics.requests.inc({ outcome: outcome.reason.startsWith('network') ? 'network' : 'retryable' })
      deps.counters.failed(1)
      breaker.recordFailure()
      await sleep(backoff.nextDelayMs(outcome.retryAfterMs), stopped)
    }
    return 'stopped'
  }

  /** acknowledges the completed prefix of the window: checkpoints first, then the buffer */
  async function commitCompleted(): Promise<void> {
    for (let done = window.completedPrefix(); done.length > 0; done = window.completedPrefix()) {
      const t0 = performance.now()
      await deps.onAcknowledged(done.map((d) => d.value.meta))
      await deps.buffer.ack(done[done.length - 1]!.id)
      window.release(done.length)
      phase('commit', t0)
      wakeup.notify()
    }
  }

  function scheduleCommit(): void {
    if (broken) return
    if (committing) {
      commitAgain = true
      return
    }
    commitAgain = false
    committing = commitCompleted()
      .catch((error: unknown) => fail(error))
      .finally(() => {
        committing = undefined
        // a completion that arrived after the last take and before this point
        if (commitAgain && !broken) scheduleCommit()
      })
  }

  /** a bug or a failed checkpoint write: stop shipping (and acknowledging); data stays in the buffer */
  function fail(error: unknown): void {
    if (broken) return
    broken = true
    deps.logger.error({ err: error }, 'sink stopped on an unexpected error')
    stopController.abort()
    wakeup.notify()
  }

  function admit(stored: BufferEntry): void {
    let entry: AgentEntry
    try {
      entry = decodeEntry(stored.payload)
    } catch (error) {
      // acknowledged in its turn like any other entry: an ack of its id would cover earlier ones in flight
      deps.logger.error({ err: error, id: stored.id }, 'unreadable buffer entry dropped')
      deps.counters.dropped(1, 'corrupt_entry')
      window.add(stored.id, { meta: {} }, 0)
      window.complete(stored.id)
      scheduleCommit()
      return
    }
    window.add(stored.id, { meta: entry.meta }, stored.payload.length)
    const delivery: Promise<void> = deliver(entry).then(
      (result) => {
        deliveries.delete(delivery)
        if (result === 'stopped') return
        window.complete(stored.id, { meta: entry.meta })
        scheduleCommit()
        wakeup.notify()
      },
      (error: unknown) => {
        deliveries.delete(delivery)
        fail(error)
      },
    )
    deliveries.add(delivery)
  }

  async function run(): Promise<void> {
    while (!stopped.aborted) {
      const seen = wakeup.version
      if (!window.hasRoom()) {
        const w0 = performance.now()
        await wakeup.wait(seen)
        phase('wait_window', w0)
        continue
      }
      const t0 = performance.now()
      const stored = await deps.buffer.read()
      if (stored) {
        admit(stored)
        phase('read', t0)
        continue
      }
      // nothing to read: wait for data, an answer that frees room, or stop
      const waiting = new AbortController()
      const w0 = performance.now()
      await Promise.race([deps.buffer.waitForData(waiting.signal), wakeup.wait(seen)])
      // with a reason: abort() without one builds a DOMException (a stack trace) every time
      waiting.abort(WAIT_OVER)
      phase('wait_data', w0)
    }
    // stopping: requests in flight end after their current attempt; what they completed in order is acknowledged
    while (deliveries.size > 0) await Promise.all([...deliveries])
    if (!broken) scheduleCommit()
    while (committing) await committing
  }

  return {
    start() {
      loop = run().catch((error: unknown) => deps.logger.error({ err: error }, 'sink stopped on an unexpected error'))
    },
    async stop() {
      stopController.abort()
      wakeup.notify()
      await loop
    },
    send,
    stats() {
      return { inFlight: window.inFlight, inFlightBytes: window.inFlightBytes, awaitingEarlier: window.size - window.inFlight }
    },
    get breakerState() {
      return breaker.state
    },
  }
}
