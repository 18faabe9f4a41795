/**
 * A bounded OTLP/HTTP span producer: sends batches of spans (see span-batches.ts) to a collector
 * or an agent, one request at a time per producer, and resends a batch until it is answered 200
 * (429 and 503 honour Retry-After; connection errors — a killed collector — retry after a short
 * pause). Each sequence number is therefore acknowledged exactly once, so "every span answered
 * 200 is stored" means lost = 0 over 0..acked-1 in ClickHouse.
 */
import { encodeTraces } from '@periscope/model'
import { spanBatch } from './span-batches.ts'

export interface ProducerOptions {
  /** base URL; /v1/traces is appended */
  url: () => string
  key: string
  runId: string
  producer: string
  spansPerRequest: number
  /** stop after this many requests were acknowledged */
  maxRequests: number
  /** pause between acknowledged requests (0 = as fast as answers come) */
  intervalMs?: number
  /** give up (throw) when one batch has not been accepted for this long */
  batchDeadlineMs?: number
  /** per-request timeout */
  requestTimeoutMs?: number
}

export interface ProducerStats {
  producer: string
  /** spans acknowledged with 200; their seqs are 0 … ackedSpans-1 */
  ackedSpans: number
  requests: number
  /** answers by status; 0 = connection error or timeout */
  statuses: Map<number, number>
  /** 429 answers that carried no valid Retry-After */
  missingRetryAfter: number
  /** latency of each request answered 200, ms */
  latenciesMs: number[]
}

export interface Producer {
  readonly stats: ProducerStats
  /** resolves when maxRequests were acknowledged or stop() was called (the batch in hand is finished first) */
  readonly done: Promise<ProducerStats>
  stop(): void
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export function startProducer(options: ProducerOptions): Producer {
  const stats: ProducerStats = { producer: options.producer, ackedSpans: 0, requests: 0, statuses: new Map(), missingRetryAfter: 0, latenciesMs: [] }
  let stopping = false
  const count = (status: number) => stats.statuses.set(status, (stats.statuses.get(status) ?? 0) + 1)

  async function sendUntilAccepted(body: Uint8Array): Promise<void> {
    const deadline = Date.now() + (options.batchDeadlineMs ?? 120_000)
    for (;;) {
      const started = performance.now()
      let status = 0
      let retryAfterMs = 100
      try {
        const res = await fetch(`${options.url()}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${options.key}` },
          body,
          signal: AbortSignal.timeout(options.requestTimeoutMs ?? 15_000),
        })
        await res.arrayBuffer()
        status = res.status
        const header = res.headers.get('retry-after')
        if (status === 429 || status === 503) {
          const seconds = header === null ? NaN : Number(header)
          if (status === 429 && !(seconds >= 0)) stats.missingRetryAfter++
          // honoured, but bounded so a test stays quick
          retryAfterMs = Number.isFinite(seconds) ? Math.min(seconds * 1000, 2000) : 250
        }
      } catch {
        status = 0
      }
      stats.requests++
      count(status)
      if (status === 200) {
        stats.latenciesMs.push(performance.now() - started)
        return
      }
      if (status >= 400 && status < 500 && status !== 429) throw new Error(`producer ${options.producer}: a valid batch was refused with ${status}`)
      if (Date.now() > deadline) throw new Error(`producer ${options.producer}: a batch was not accepted within ${options.batchDeadlineMs ?? 120_000} ms (last status ${status})`)
      await sleep(status === 0 ? 100 : retryAfterMs)
    }
  }

  const done = (async () => {
    for (let n = 0; n < options.maxRequests && !stopping; n++) {
      const body = encodeTraces(spanBatch(options.runId, options.producer, stats.ackedSpans, options.spansPerRequest), 'protobuf')
      await sendUntilAccepted(body)
      stats.ackedSpans += options.spansPerRequest
      if (options.intervalMs) await sleep(options.intervalMs)
    }
    return stats
  })()
  return {
    stats,
    done,
    stop() {
      stopping = true
    },
  }
}

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}
