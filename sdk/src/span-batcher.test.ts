import { decodeTraces } from '@periscope/model'
import { ROOT_CONTEXT } from '@opentelemetry/api'
import { ExportResultCode, type ExportResult } from '@opentelemetry/core'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSpanBatcher, type EncodedRequestSender, type SpanBatcherOptions } from './span-batcher.ts'

/** Finished spans named s0, s1, … from the real SDK. */
function spans(n: number, attributes: Record<string, string> = {}): ReadableSpan[] {
  const exporter = new InMemorySpanExporter()
  const tracer = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('t')
  for (let i = 0; i < n; i++) tracer.startSpan(`s${i}`, { attributes }, ROOT_CONTEXT).end()
  return exporter.getFinishedSpans()
}

function names(body: Uint8Array): string[] {
  const decoded = decodeTraces(body, 'protobuf')
  if (!decoded.ok) throw new Error(decoded.error.message)
  return decoded.value.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name)))
}

/** A sender whose requests settle when the test says so. */
function heldSender() {
  const requests: Array<{ body: Uint8Array; spanCount: number; done: (r: ExportResult) => void }> = []
  let flushes = 0
  let shutdowns = 0
  const sender: EncodedRequestSender = {
    send: (body, spanCount, done) => void requests.push({ body, spanCount, done }),
    forceFlush: () => {
      flushes++
      return Promise.resolve()
    },
    shutdown: () => {
      shutdowns++
      return Promise.resolve()
    },
  }
  return { sender, requests, counts: () => ({ flushes, shutdowns }) }
}

function batcherWith(sender: EncodedRequestSender, over: Partial<SpanBatcherOptions> = {}) {
  const outcomes: Array<[number, ExportResultCode]> = []
  const batcher = createSpanBatcher({
    sender,
    maxExportBatchSize: 3,
    maxExportBatchBytes: 1024 * 1024,
    maxPendingBytes: 16 * 1024 * 1024,
    scheduledDelayMs: 1000,
    settled: (count, result) => void outcomes.push([count, result.code]),
    ...over,
  })
  return { batcher, outcomes }
}

describe('span batcher', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('sends a request as soon as a batch holds maxExportBatchSize spans, and reports its outcome once', () => {
    const { sender, requests } = heldSender()
    const { batcher, outcomes } = batcherWith(sender)
    for (const s of spans(7)) expect(batcher.add(s)).toBe(true)
    expect(requests.map((r) => names(r.body))).toEqual([
      ['s0', 's1', 's2'],
      ['s3', 's4', 's5'],
    ])
    expect(requests.map((r) => r.spanCount)).toEqual([3, 3])
    requests[0]!.done({ code: ExportResultCode.SUCCESS })
    requests[0]!.done({ code: ExportResultCode.FAILED })
    requests[1]!.done({ code: ExportResultCode.FAILED, error: new Error('refused') })
    expect(outcomes).toEqual([
      [3, ExportResultCode.SUCCESS],
      [3, ExportResultCode.FAILED],
    ])
  })

  it('sends a batch once it holds maxExportBatchBytes', () => {
    const { sender, requests } = heldSender()
    const { batcher } = batcherWith(sender, { maxExportBatchSize: 1000, maxExportBatchBytes: 2000 })
    const big = spans(10, { payload: 'p'.repeat(500) })
    for (const s of big) batcher.add(s)
    // each span is a little over 500 bytes (and well under 666): the 4th crosses 2000
    expect(requests.map((r) => r.spanCount)).toEqual([4, 4])
    for (const r of requests) expect(r.body.length).toBeLessThan(2000 + 700)
  })

  it('sends a partial batch scheduledDelayMs after its first span, and on forceFlush', async () => {
    const { sender, requests, counts } = heldSender()
    const { batcher } = batcherWith(sender)
    const [a, b] = spans(2)
    batcher.add(a!)
    vi.advanceTimersByTime(999)
    expect(requests).toHaveLength(0)
    vi.advanceTimersByTime(1)
    expect(requests.map((r) => names(r.body))).toEqual([['s0']])
    batcher.add(b!)
    await batcher.forceFlush()
    expect(requests.map((r) => names(r.body))).toEqual([['s0'], ['s1']])
    expect(counts().flushes).toBe(1)
    // nothing open: no timer left to fire an empty request
    vi.advanceTimersByTime(5000)
    expect(requests).toHaveLength(2)
  })

  it('refuses spans while maxPendingBytes are in flight, and takes them again once requests settle', () => {
    const { sender, requests } = heldSender()
    const { batcher } = batcherWith(sender, { maxExportBatchSize: 1, maxPendingBytes: 2000 })
    // requests of one span of a little over 500 bytes and the default resource: under 1000 bytes
    // each, so the third fits under 2000 and the fourth does not
    const big = spans(4, { payload: 'p'.repeat(500) })
    expect(big.map((s) => batcher.add(s))).toEqual([true, true, true, false])
    requests[0]!.done({ code: ExportResultCode.SUCCESS })
    expect(batcher.add(big[3]!)).toBe(true)
  })

  it('turns a sender that throws, and a span that cannot be encoded, into FAILED outcomes', () => {
    const throwing: EncodedRequestSender = {
      send: () => {
        throw new Error('bug in sender')
      },
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    }
    const { batcher, outcomes } = batcherWith(throwing, { maxExportBatchSize: 2 })
    const [good] = spans(1)
    const broken = { ...good!, spanContext: () => { throw new Error('no context') } } as ReadableSpan
    batcher.add(broken)
    batcher.add(good!)
    batcher.add(good!)
    expect(outcomes).toEqual([
      [1, ExportResultCode.FAILED],
      [2, ExportResultCode.FAILED],
    ])
  })

  it('waits for resource attributes still being detected before building the request', async () => {
    const { sender, requests } = heldSender()
    const { batcher } = batcherWith(sender, { maxExportBatchSize: 2 })
    let detect = (): void => undefined
    const detected = new Promise<void>((resolve) => (detect = resolve))
    const base = resourceFromAttributes({ 'service.name': 'slow' })
    let pending = true
    const resource = Object.create(base, {
      asyncAttributesPending: { get: () => pending },
      waitForAsyncAttributes: { value: () => detected },
    }) as ReadableSpan['resource']
    for (const s of spans(3)) batcher.add({ ...s, spanContext: s.spanContext.bind(s), resource } as ReadableSpan)
    expect(requests).toHaveLength(0)
    const flushed = batcher.forceFlush()
    pending = false
    detect()
    await flushed
    expect(requests.map((r) => names(r.body))).toEqual([['s0', 's1', 's2']])
  })

  it('flushes, then shuts the sender down', async () => {
    const { sender, requests, counts } = heldSender()
    const { batcher } = batcherWith(sender)
    batcher.add(spans(1)[0]!)
    await batcher.shutdown()
    expect(requests).toHaveLength(1)
    expect(counts()).toEqual({ flushes: 1, shutdowns: 1 })
  })
})
