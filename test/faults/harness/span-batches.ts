/**
 * The items the reliability suite sends. Every span carries three attributes so ClickHouse can
 * say, independently of any acknowledgement, what arrived:
 *   periscope.run_id    one value per scenario run (so runs never mix)
 *   periscope.producer  which producer sent it
 *   periscope.seq       0, 1, 2, … per producer, each sent exactly once by the producer
 * Spans are recent (now) so the item rules' time window and the store's TTL keep them.
 */
import { randomBytes } from 'node:crypto'
import { SpanKind, type Span, type TracesRequest } from '@periscope/model'

export const ATTR = { runId: 'periscope.run_id', producer: 'periscope.producer', seq: 'periscope.seq' } as const

export function newRunId(label: string): string {
  return `${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
}

function str(key: string, value: string) {
  return { key, value: { type: 'string' as const, value } }
}

/** One export request: one trace holding the spans firstSeq … firstSeq+count-1 of `producer`. */
export function spanBatch(runId: string, producer: string, firstSeq: number, count: number, service = 'faults'): TracesRequest {
  const nowNs = BigInt(Date.now()) * 1_000_000n
  const traceId = randomBytes(16)
  const spans: Span[] = []
  for (let i = 0; i < count; i++) {
    const seq = firstSeq + i
    const start = nowNs - 5_000_000n + BigInt(i) * 1000n
    spans.push({
      traceId,
      spanId: randomBytes(8),
      traceState: '',
      parentSpanId: i === 0 ? new Uint8Array(0) : spans[0]!.spanId,
      flags: 1,
      name: `op-${seq % 5}`,
      kind: i === 0 ? SpanKind.SERVER : SpanKind.INTERNAL,
      startTimeUnixNano: start,
      endTimeUnixNano: start + 1_000_000n,
      attributes: [str(ATTR.runId, runId), str(ATTR.producer, producer), { key: ATTR.seq, value: { type: 'int', value: BigInt(seq) } }],
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: 0, message: '' },
    })
  }
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', service)], droppedAttributesCount: 0, entityRefs: [] },
        scopeSpans: [{ scope: { name: 'periscope-faults', version: '1', attributes: [], droppedAttributesCount: 0 }, spans, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  }
}
