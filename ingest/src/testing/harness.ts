/**
 * Helpers for ingest's integration tests and benchmark: producing records, waiting for a
 * condition with a deadline, counting spans independently of ingest (count and uniqExact over the
 * `seq` attribute every test span carries), and a store decorator that fails inserts on demand.
 */
import type { Bus, BusRecord } from '@periscope/pipeline'
import type { Store } from '@periscope/store'

/** Sends records in chunks, retrying retryable outcomes; throws on a permanent failure or after `timeoutMs`. */
export async function produce(bus: Bus, topic: string, records: readonly BusRecord[], chunk = 200, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (let i = 0; i < records.length; i += chunk) {
    const part = records.slice(i, i + chunk)
    for (;;) {
      const outcome = await bus.send(topic, part)
      if (outcome.status === 'success') break
      if (outcome.status === 'failure' || Date.now() > deadline) throw new Error(`produce to ${topic} failed`, { cause: outcome.error })
      await sleep(outcome.retryAfterMs ?? 50)
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Polls `check` until it returns a value other than undefined; throws with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last })
    await sleep(everyMs)
  }
}

export interface SpanCounts {
  /** rows */
  rows: number
  /** distinct seq values */
  distinct: number
  minSeq: number
  maxSeq: number
}

export async function countSpans(store: Pick<Store, 'client'>, tenantId: string): Promise<SpanCounts> {
  const result = await store.client.query({
    query: `SELECT count() AS rows, uniqExact(SpanAttributes['seq']) AS distinct,
                   min(toInt64OrZero(SpanAttributes['seq'])) AS minSeq, max(toInt64OrZero(SpanAttributes['seq'])) AS maxSeq
            FROM otel_traces WHERE TenantId = {tenant:String}`,
    query_params: { tenant: tenantId },
    format: 'JSONEachRow',
  })
  const [row] = await result.json<{ rows: string; distinct: string; minSeq: string; maxSeq: string }>()
  return { rows: Number(row!.rows), distinct: Number(row!.distinct), minSeq: Number(row!.minSeq), maxSeq: Number(row!.maxSeq) }
}

export interface FailingStore extends Store {
  /** every insert (data and ledger) fails until `Date.now()` passes this */
  failUntilMs: number
  /** inserts refused so far */
  readonly refused: number
}

/** A decorator over a real store: inserts fail while `failUntilMs` is in the future, then pass through. */
export function withInjectedFailures(store: Store): FailingStore {
  let refused = 0
  const failing: FailingStore = {
    get client() {
      return store.client
    },
    get database() {
      return store.database
    },
    get mode() {
      return store.mode
    },
    get cluster() {
      return store.cluster
    },
    get ttl() {
      return store.ttl
    },
    failUntilMs: 0,
    get refused() {
      return refused
    },
    async insert(table, rows, options) {
      if (Date.now() < failing.failUntilMs) {
        refused++
        throw new Error(`injected failure: insert into ${table} refused`)
      }
      return store.insert(table, rows, options)
    },
    close: () => store.close(),
  }
  return failing
}
