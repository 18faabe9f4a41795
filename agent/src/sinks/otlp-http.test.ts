/**
 * The otlp_http sink with several requests in flight, its transport scripted per request: answers
 * arriving out of order never move checkpoints or the buffer past an entry still unanswered (a
 * crash then replays it), retries honour Retry-After per entry, the breaker holds every request,
 * a 400 is counted and dropped in its turn, and the in-flight bounds hold.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDiskBuffer, type BufferEntry, type DiskBuffer } from '@periscope/pipeline'
import { createLogger, createSelfMetrics } from '@periscope/runtime'
import { createAgentMetrics, type ComponentCounters } from '../agent-metrics.ts'
import { decodeEntry, encodeEntry, type EntryMeta } from '../buffer-entry.ts'
import { createOtlpHttpSink, type HttpAnswer, type HttpPost, type OtlpHttpSink, type OtlpHttpSinkOptions } from './otlp-http.ts'

const cleanups: Array<() => Promise<unknown> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  vi.useRealTimers()
})

const OPTIONS: OtlpHttpSinkOptions = {
  endpoint: 'http://collector.test',
  ingestKey: 'key',
  timeoutMs: 1000,
  compression: 'none',
  gzipLevel: 1,
  maxInFlight: 4,
  maxInFlightBytes: 1 << 20,
  retry: { initialDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 60_000 },
  breaker: { failureThreshold: 3, openDurationMs: 5000 },
  failureLogIntervalMs: 60_000,
}

/** entry `name` (its body) with the position of file `a` after it: offset = 100 × its number */
function entry(name: string, items = 2, bodyBytes = 0): Buffer {
  const offset = 100 * Number(name.slice(1))
  const position = { key: '1:1', dev: 1, ino: 1, path: '/logs/a.log', offset, fingerprintBytes: 0, fingerprintCrc: 0 }
  return encodeEntry({ signal: 'logs', meta: { items, positions: [position] }, body: Buffer.from(name.padEnd(Math.max(name.length, bodyBytes), ' ')) })
}

interface Call {
  name: string
  settled: boolean
  answer(answer: Partial<HttpAnswer> & { status: number }): void
  fail(message: string): void
}

interface Scripted {
  post: HttpPost
  calls: Call[]
  /** entries with a request awaiting its answer, in the order they were sent */
  pending(): string[]
  /** fails every request still waiting (so a stopping sink can end) */
  failAll(): void
}

/** a transport whose every POST waits until the test answers it */
function scriptedPost(): Scripted {
  const calls: Call[] = []
  const post: HttpPost = (_url, _headers, body) =>
    new Promise<HttpAnswer>((resolve, reject) => {
      const call: Call = {
        name: Buffer.from(body).toString().trim(),
        settled: false,
        answer: (a) => settle() && resolve({ retryAfter: null, contentType: null, body: new Uint8Array(0), ...a }),
        fail: (message) => settle() && reject(new Error(message)),
      }
      function settle(): boolean {
        if (call.settled) throw new Error(`${call.name} answered twice`)
        call.settled = true
        return true
      }
      calls.push(call)
    })
  return {
    post,
    calls,
    pending: () => calls.filter((c) => !c.settled).map((c) => c.name),
    failAll: () => calls.filter((c) => !c.settled).forEach((c) => c.fail('test over')),
  }
}

/** the newest unanswered call for entry `name` */
function call(calls: Call[], name: string): Call {
  const found = calls.findLast((c) => c.name === name && !c.settled)
  if (!found) throw new Error(`no request for ${name}`)
  return found
}

function counters(): ComponentCounters & { log: string[] } {
  const log: string[] = []
  return {
    log,
    received: (n) => log.push(`received ${n}`),
    sent: (n) => log.push(`sent ${n}`),
    dropped: (n, reason) => log.push(`dropped ${n} ${reason}`),
    failed: (n) => log.push(`failed ${n}`),
  }
}

interface Harness {
  sink: OtlpHttpSink
  /** the file offset each onAcknowledged call moved the checkpoint to, in order */
  checkpoints: number[]
  counters: ReturnType<typeof counters>
}

/** starts a sink over `buffer` and `scripted`; the test's cleanup fails what is pending and stops it */
function startSink(buffer: Pick<DiskBuffer, 'read' | 'ack' | 'waitForData'>, scripted: Scripted, options: Partial<OtlpHttpSinkOptions> = {}): Harness {
  const checkpoints: number[] = []
  const componentCounters = counters()
  const sink = createOtlpHttpSink(
    { ...OPTIONS, ...options },
    {
      buffer,
      post: scripted.post,
      async onAcknowledged(acknowledged: readonly EntryMeta[]) {
        // as the file tail does: the newest position of the file wins
        const positions = acknowledged.flatMap((m) => m.positions ?? [])
        if (positions.length > 0) checkpoints.push(positions[positions.length - 1]!.offset)
      },
      logger: createLogger({ service: 'agent', level: 'silent' }),
      counters: componentCounters,
      metrics: createAgentMetrics(createSelfMetrics({ service: 'agent' })).sink,
      random: () => 0.5,
    },
  )
  sink.start()
  cleanups.push(async () => {
    vi.useRealTimers()
    scripted.failAll()
    await sink.stop()
  })
  return { sink, checkpoints, counters: componentCounters }
}

/** an in-memory stand-in for the DiskBuffer: what the sink read and acknowledged */
function memoryBuffer(payloads: Buffer[]): Pick<DiskBuffer, 'read' | 'ack' | 'waitForData'> & { acks: number[]; add(payload: Buffer): void } {
  const entries = [...payloads]
  let next = 0
  const acks: number[] = []
  const waiters = new Set<() => void>()
  return {
    acks,
    add(payload) {
      entries.push(payload)
      for (const wake of waiters) wake()
    },
    async read(): Promise<BufferEntry | undefined> {
      if (next >= entries.length) return undefined
      next++
      return { id: next, payload: entries[next - 1]! }
    },
    async ack(id) {
      acks.push(id)
    },
    waitForData(signal) {
      if (next < entries.length) return Promise.resolve()
      return new Promise<void>((resolve) => {
        const wake = (): void => {
          waiters.delete(wake)
          resolve()
        }
        waiters.add(wake)
        signal?.addEventListener('abort', wake, { once: true })
      })
    },
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setImmediate(r))
  }
}

describe('otlp_http sink: several requests in flight, acknowledged in order', () => {
  it('does not move checkpoints or the buffer past an unanswered entry, and a crash replays it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sink-order-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const buffer = await openDiskBuffer({ dir, maxBytes: 1 << 20 })
    for (const name of ['e1', 'e2', 'e3']) expect((await buffer.append(entry(name))).ok).toBe(true)

    const first = scriptedPost()
    const before = startSink(buffer, first)
    await until(() => first.pending().length === 3, 'three requests in flight')
    expect(first.pending()).toEqual(['e1', 'e2', 'e3'])
    // the later entries are acknowledged by the collector first
    call(first.calls, 'e3').answer({ status: 200 })
    call(first.calls, 'e2').answer({ status: 200 })
    await until(() => before.counters.log.filter((l) => l === 'sent 2').length === 2, 'the two answers read')
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
    expect(before.checkpoints).toEqual([])
    expect(buffer.stats().unackedEntries).toBe(3)
    expect(before.sink.stats()).toEqual({ inFlight: 1, inFlightBytes: entry('e1').length, awaitingEarlier: 2 })

    // crash: the process dies with e1 unanswered; what is on disk is all a restart has
    const reopened = await openDiskBuffer({ dir, maxBytes: 1 << 20 })
    const replayed: string[] = []
    for await (const stored of reopened.unacked()) replayed.push(Buffer.from(decodeEntry(stored.payload).body).toString().trim())
    // e1 replayed; e2 and e3 too (duplicates, never loss)
    expect(replayed).toEqual(['e1', 'e2', 'e3'])

    const second = scriptedPost()
    const after = startSink(reopened, second)
    await until(() => second.pending().length === 3, 'the replay in flight')
    call(second.calls, 'e2').answer({ status: 200 })
    call(second.calls, 'e1').answer({ status: 200 })
    await until(() => after.checkpoints.length > 0, 'the first checkpoint')
    // e1 and e2 together; never e3's offset while e3 is unanswered
    expect(after.checkpoints).toEqual([200])
    call(second.calls, 'e3').answer({ status: 200 })
    await until(() => reopened.stats().unackedEntries === 0, 'every entry acknowledged')
    expect(after.checkpoints).toEqual([200, 300])
  })

  it('acknowledges each contiguous prefix as soon as it completes, in entry order', async () => {
    const buffer = memoryBuffer(['e1', 'e2', 'e3', 'e4'].map((n) => entry(n)))
    const scripted = scriptedPost()
    const { calls, pending } = scripted
    const { checkpoints } = startSink(buffer, scripted)
    await until(() => pending().length === 4, 'four requests in flight')
    call(calls, 'e1').answer({ status: 200 })
    await until(() => buffer.acks.length === 1, 'e1 acknowledged')
    expect({ acks: buffer.acks, checkpoints }).toEqual({ acks: [1], checkpoints: [100] })
    call(calls, 'e4').answer({ status: 200 })
    call(calls, 'e3').answer({ status: 200 })
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
    expect(buffer.acks).toEqual([1])
    call(calls, 'e2').answer({ status: 200 })
    await until(() => buffer.acks.length === 2, 'e2..e4 acknowledged')
    expect({ acks: buffer.acks, checkpoints }).toEqual({ acks: [1, 4], checkpoints: [100, 400] })
  })

  it('drops and counts a 400 in its turn, and acknowledges a corrupt entry only after the earlier ones', async () => {
    const corrupt = Buffer.from([9, 1, 0, 0, 0, 0])
    const buffer = memoryBuffer([entry('e1', 3), entry('e2', 5), corrupt])
    const scripted = scriptedPost()
    const { calls, pending } = scripted
    const { checkpoints, counters } = startSink(buffer, scripted)
    await until(() => pending().length === 2, 'e1 and e2 in flight')
    expect(counters.log).toContain('dropped 1 corrupt_entry')
    call(calls, 'e2').answer({ status: 400 })
    await until(() => counters.log.includes('dropped 5 bad_request'), 'the 400 counted')
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
    // neither the dropped e2 nor the corrupt entry 3 may acknowledge e1 along with them
    expect(buffer.acks).toEqual([])
    call(calls, 'e1').answer({ status: 200 })
    await until(() => buffer.acks.length > 0, 'the acknowledgement')
    expect(buffer.acks).toEqual([3])
    expect(checkpoints).toEqual([200])
    expect(counters.log).toContain('sent 3')
  })

  it('keeps at most maxInFlight requests and about maxInFlightBytes in flight', async () => {
    const buffer = memoryBuffer(['e1', 'e2', 'e3', 'e4', 'e5'].map((n) => entry(n, 1, 1000)))
    const byCount = scriptedPost()
    startSink(buffer, byCount, { maxInFlight: 2 })
    await until(() => byCount.pending().length === 2, 'two in flight')
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
    expect(byCount.pending()).toEqual(['e1', 'e2'])
    call(byCount.calls, 'e2').answer({ status: 200 })
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
    // e2 answered but not acknowledged (e1 is not): it still holds its place in the window
    expect(byCount.pending()).toEqual(['e1'])
    call(byCount.calls, 'e1').answer({ status: 200 })
    await until(() => byCount.pending().length === 2, 'the next two')
    expect(byCount.pending()).toEqual(['e3', 'e4'])

    // bytes: entries of ~1 KB, bound 1500 bytes: a second one is admitted (1 KB < 1500), no third
    const bytesBuffer = memoryBuffer(['e1', 'e2', 'e3'].map((n) => entry(n, 1, 1000)))
    const byBytes = scriptedPost()
    const bounded = startSink(bytesBuffer, byBytes, { maxInFlight: 8, maxInFlightBytes: 1500 })
    await until(() => byBytes.pending().length === 2, 'two in flight')
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
    expect(byBytes.pending()).toEqual(['e1', 'e2'])
    expect(bounded.sink.stats().inFlightBytes).toBe(2 * entry('e1', 1, 1000).length)
  })
})

describe('otlp_http sink: retries and the breaker with requests in flight', () => {
  it('retries one entry after its Retry-After while the others are acknowledged up to it', async () => {
    vi.useFakeTimers()
    const buffer = memoryBuffer(['e1', 'e2', 'e3'].map((n) => entry(n)))
    const scripted = scriptedPost()
    const { calls, pending } = scripted
    const { checkpoints } = startSink(buffer, scripted)
    await vi.advanceTimersByTimeAsync(0)
    expect(pending()).toEqual(['e1', 'e2', 'e3'])
    call(calls, 'e1').answer({ status: 200 })
    call(calls, 'e2').answer({ status: 503, retryAfter: '2' })
    call(calls, 'e3').answer({ status: 200 })
    await vi.advanceTimersByTimeAsync(1990)
    // Retry-After: 2 s honoured; e3 waits for e2
    expect(calls.filter((c) => c.name === 'e2')).toHaveLength(1)
    expect({ acks: buffer.acks, checkpoints }).toEqual({ acks: [1], checkpoints: [100] })
    await vi.advanceTimersByTimeAsync(20)
    expect(pending()).toEqual(['e2'])
    call(calls, 'e2').answer({ status: 200 })
    await vi.advanceTimersByTimeAsync(0)
    expect({ acks: buffer.acks, checkpoints }).toEqual({ acks: [1, 3], checkpoints: [100, 300] })
  })

  it('opens the breaker on failures of the requests in flight, holds all of them, then probes with one', async () => {
    vi.useFakeTimers()
    const buffer = memoryBuffer(['e1', 'e2', 'e3'].map((n) => entry(n)))
    const scripted = scriptedPost()
    const { calls, pending } = scripted
    const { sink } = startSink(buffer, scripted)
    await vi.advanceTimersByTimeAsync(0)
    // three network failures at once: the threshold (3) is reached, the breaker opens
    for (const name of ['e1', 'e2', 'e3']) call(calls, name).fail('connection refused')
    await vi.advanceTimersByTimeAsync(0)
    expect(sink.breakerState).toBe('open')
    const attemptsWhenOpened = calls.length
    await vi.advanceTimersByTimeAsync(4900)
    // open: nothing is sent, whatever each entry's own backoff says
    expect(calls.length).toBe(attemptsWhenOpened)
    await vi.advanceTimersByTimeAsync(200)
    // half-open: one probe, the others wait for its answer
    expect(pending()).toHaveLength(1)
    const probe = pending()[0]!
    call(calls, probe).answer({ status: 200 })
    await vi.advanceTimersByTimeAsync(50)
    expect(sink.breakerState).toBe('closed')
    expect(pending().sort()).toEqual(['e1', 'e2', 'e3'].filter((n) => n !== probe))
    for (const name of pending()) call(calls, name).answer({ status: 200 })
    await vi.advanceTimersByTimeAsync(0)
    expect(buffer.acks.at(-1)).toBe(3)
  })

  it('stops after the requests in flight end, acknowledging only what completed in order', async () => {
    const buffer = memoryBuffer(['e1', 'e2'].map((n) => entry(n)))
    const scripted = scriptedPost()
    const { calls, pending } = scripted
    const { sink, checkpoints } = startSink(buffer, scripted)
    await until(() => pending().length === 2, 'two in flight')
    call(calls, 'e2').answer({ status: 200 })
    let stopped = false
    const stopping = sink.stop().then(() => (stopped = true))
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
    expect(stopped).toBe(false)
    call(calls, 'e1').fail('timeout')
    await stopping
    // e1 failed and is not retried once stopping: neither entry is acknowledged (e2 is sent again later)
    expect({ acks: buffer.acks, checkpoints }).toEqual({ acks: [], checkpoints: [] })
  })
})
