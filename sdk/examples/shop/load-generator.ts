/**
 * A bounded load generator for the shop: requests at a steady rate against the frontend, at most
 * `concurrency` in flight (a tick that finds them all busy is skipped and counted, so a slow shop
 * is never buried), until `durationS` has passed or stop() is called.
 *
 * Mix: 45 % product list, 20 % one product, 35 % checkout; 10 % of checkouts use the declined
 * card 4000 0000 0000 0002. Every request carries an `x-request-id` of the form `load-<n>`.
 */
import { setTimeout as sleep } from 'node:timers/promises'

export interface LoadOptions {
  /** The frontend's base URL. */
  url: string
  ratePerSecond: number
  /** 0 = until stop() */
  durationS: number
  concurrency: number
  timeoutMs?: number
}

export interface LoadSummary {
  sent: number
  ok: number
  clientErrors: number
  serverErrors: number
  /** network failures and timeouts */
  failures: number
  /** ticks skipped because `concurrency` requests were in flight */
  skipped: number
  durationMs: number
}

export interface Load {
  readonly summary: LoadSummary
  /** Resolves when the run ends (duration reached or stopped) and in-flight requests settle. */
  done: Promise<LoadSummary>
  stop(): void
}

const SKUS = ['periscope-mug', 'trace-tee', 'span-sticker', 'p99-hoodie', 'slo-socks']
const GOOD_CARDS = ['4242 4242 4242 4242', '5555-5555-5555-4444', '4111111111111111']
const DECLINED_CARD = '4000 0000 0000 0002'

function pick<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)] as T
}

function nextRequest(n: number, url: string): { url: string; init: RequestInit } {
  const headers: Record<string, string> = { 'x-request-id': `load-${n}` }
  const r = Math.random()
  if (r < 0.45) return { url: `${url}/api/products`, init: { headers } }
  if (r < 0.65) return { url: `${url}/api/products/${pick(SKUS)}`, init: { headers } }
  const items = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => ({ sku: pick(SKUS), qty: 1 + Math.floor(Math.random() * 2) }))
  const body = {
    items,
    email: `customer${n % 100}@example.com`,
    card: Math.random() < 0.1 ? DECLINED_CARD : pick(GOOD_CARDS),
  }
  return {
    url: `${url}/api/checkout`,
    init: { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) },
  }
}

export function runLoad(options: LoadOptions): Load {
  const summary: LoadSummary = { sent: 0, ok: 0, clientErrors: 0, serverErrors: 0, failures: 0, skipped: 0, durationMs: 0 }
  const stopper = new AbortController()
  const inFlight = new Set<Promise<void>>()
  const intervalMs = 1000 / options.ratePerSecond
  const started = performance.now()
  const endAt = options.durationS > 0 ? started + options.durationS * 1000 : Number.POSITIVE_INFINITY

  const one = async (n: number): Promise<void> => {
    const { url, init } = nextRequest(n, options.url)
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) })
      await res.arrayBuffer()
      if (res.status < 400) summary.ok++
      else if (res.status < 500) summary.clientErrors++
      else summary.serverErrors++
    } catch {
      summary.failures++
    }
  }

  const done = (async () => {
    let n = 0
    // Ticks are scheduled against the start time, so the rate does not drift with latency.
    while (!stopper.signal.aborted) {
      const now = performance.now()
      if (now >= endAt) break
      if (inFlight.size >= options.concurrency) summary.skipped++
      else {
        summary.sent++
        const p = one(++n).finally(() => inFlight.delete(p))
        inFlight.add(p)
      }
      const nextAt = started + (summary.sent + summary.skipped) * intervalMs
      const waitMs = Math.min(Math.max(0, nextAt - performance.now()), Math.max(0, endAt - performance.now()))
      try {
        await sleep(waitMs, undefined, { signal: stopper.signal })
      } catch {
        break
      }
    }
    await Promise.all(inFlight)
    summary.durationMs = performance.now() - started
    return summary
  })()

  return { summary, done, stop: () => stopper.abort() }
}
