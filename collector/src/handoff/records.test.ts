import { describe, expect, it } from 'vitest'
import { decodeLogs, decodeTraces, encodeLogs, encodeTraces, type LogsRequest, type Span, type TracesRequest } from '@periscope/model'
import { HEADERS } from '@periscope/pipeline'
import { DEFAULT_ITEM_RULES, createTally, type ItemRules } from '../validate/item-rules.ts'
import { validateRequest } from '../validate/validate-request.ts'
import { lastHexDigitPartition } from '../testing/memory-bus.ts'
import { T0_MS, bytesOf, logRecord, logs, span, str } from '../testing/otlp-fixtures.ts'
import { createRandom, pbField } from '../testing/mutator.ts'
import { pbFields } from '../testing/pb-fields.ts'
import type { BusRecord } from '@periscope/pipeline'
import { toRecords, type RecordOptions } from './records.ts'
import { traceSlices } from './trace-slices.ts'

const options = { tenantId: 'acme', maxRecordBytes: 1 << 20 }

function decode(body: Uint8Array): TracesRequest {
  const result = decodeTraces(body, 'protobuf')
  if (!result.ok) throw result.error
  return result.value
}

/** A request of several resources and scopes whose spans of a few traces interleave. */
function mixedRequest(seed: number): TracesRequest {
  const random = createRandom(seed)
  const traceIds = [1, 2, 3].map((n) => bytesOf(n.toString(16).padStart(32, '0')))
  let spanNo = 0
  const spans = (count: number): Span[] =>
    Array.from({ length: count }, () =>
      span({
        traceId: traceIds[Math.floor(random() * traceIds.length)]!,
        spanId: bytesOf((++spanNo).toString(16).padStart(16, '0')),
        name: `op-${spanNo}`,
        attributes: [str('n', String(spanNo)), { key: 'i', value: { type: 'int', value: BigInt(spanNo) } }],
      }),
    )
  const resource = (service: string) => ({ attributes: [str('service.name', service)], droppedAttributesCount: 0, entityRefs: [] })
  const scope = (name: string) => ({ name, version: '1', attributes: [], droppedAttributesCount: 0 })
  return {
    resourceSpans: [
      { resource: resource('a'), scopeSpans: [{ scope: scope('s1'), spans: spans(5), schemaUrl: 'https://x/1' }, { scope: scope('s2'), spans: spans(4), schemaUrl: '' }], schemaUrl: 'https://r/1' },
      { resource: resource('b'), scopeSpans: [{ scope: null, spans: spans(6), schemaUrl: '' }], schemaUrl: '' },
    ],
  }
}

/** Records by both paths for the same body: copied from the body, and encoded from the decoded form. */
function bothPaths(body: Uint8Array, rules: ItemRules = DEFAULT_ITEM_RULES, recordOptions: RecordOptions = options) {
  const copiedReq = decode(body)
  const slices = traceSlices(body, copiedReq)
  expect(slices).not.toBeNull()
  const copiedTally = validateRequest('traces', copiedReq, rules, T0_MS)
  const copied = toRecords('traces', copiedReq, recordOptions, copiedTally, slices)

  const encodedReq = decode(body)
  const encoded = toRecords('traces', encodedReq, recordOptions, validateRequest('traces', encodedReq, rules, T0_MS))
  return { copied, encoded }
}

type Flat = { trace: string; span: string; resource: string; scope: string }

/** Every span of some records with its trace, resource and scope, in record order. */
function flat(records: BusRecord[]): Flat[] {
  return records.flatMap((r) =>
    decode(r.value).resourceSpans.flatMap((rs) =>
      rs.scopeSpans.flatMap((ss) =>
        ss.spans.map((sp) => ({
          trace: Buffer.from(sp.traceId).toString('hex'),
          span: Buffer.from(sp.spanId).toString('hex'),
          resource: JSON.stringify(rs.resource?.attributes ?? []),
          scope: ss.scope?.name ?? '',
        })),
      ),
    ),
  )
}

/** A request of `traces` traces (ids 1…n) with `perTrace` spans each, interleaved, over two resources. */
function manyTraces(traceCount: number, perTrace: number): TracesRequest {
  const req = mixedRequest(1)
  const spans: Span[] = []
  for (let i = 0; i < perTrace; i++) {
    for (let t = 1; t <= traceCount; t++) {
      spans.push(span({ traceId: bytesOf(t.toString(16).padStart(32, '0')), spanId: bytesOf((t * 1000 + i).toString(16).padStart(16, '0')), name: `op-${t}-${i}`, attributes: [str('pad', 'p'.repeat(40))] }))
    }
  }
  req.resourceSpans[0]!.scopeSpans[0]!.spans = spans.slice(0, spans.length >> 1)
  req.resourceSpans[1]!.scopeSpans[0]!.spans = spans.slice(spans.length >> 1)
  return req
}

describe('records copied from the body', () => {
  it('decode to exactly what the encode path gives, trace by trace, with the same keys and headers', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { copied, encoded } = bothPaths(encodeTraces(mixedRequest(seed), 'protobuf'))
      expect(copied.map((r) => r.key?.toString())).toEqual(encoded.map((r) => r.key?.toString()))
      expect(copied.map((r) => decode(r.value))).toEqual(encoded.map((r) => decode(r.value)))
      expect(copied[0]!.headers).toEqual({ [HEADERS.tenant]: 'acme', [HEADERS.signal]: 'traces', [HEADERS.schemaVersion]: '1' })
    }
  })

  it('re-encode spans that validation changed, and leave out rejected ones', () => {
    const req = mixedRequest(7)
    const spans = req.resourceSpans[0]!.scopeSpans[0]!.spans
    spans[0]!.attributes.push(str('long', 'x'.repeat(100)))
    spans[1]!.traceId = new Uint8Array(16) // rejected
    spans[2]!.parentSpanId = new Uint8Array(8) // cleared
    const rules = { ...DEFAULT_ITEM_RULES, maxAttributeValueBytes: 32 }
    const { copied, encoded } = bothPaths(encodeTraces(req, 'protobuf'), rules)
    const all = copied.map((r) => decode(r.value))
    expect(all).toEqual(encoded.map((r) => decode(r.value)))
    const names = all.flatMap((t) => t.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)))
    expect(names.find((s) => s.name === 'op-1')!.attributes.at(-1)).toEqual(str('long', 'x'.repeat(32)))
    expect(names.find((s) => s.name === 'op-2')).toBeUndefined()
    expect(names.find((s) => s.name === 'op-3')!.parentSpanId).toHaveLength(0)
  })

  it('keep every container field, repeated and unknown ones included, and skip unknown top-level fields', () => {
    const one = encodeTraces(mixedRequest(3), 'protobuf')
    const [first, ...rest] = pbFields(one)
    if (!first || !('bytes' in first)) throw new Error('expected a ResourceSpans first')
    // a field this version does not know (15) and a second schema_url (the last one wins)
    const patched = pbField(1, Buffer.concat([first.bytes, pbField(15, Buffer.from('future')), pbField(3, Buffer.from('https://r/2'))]))
    const others = rest.map((f) => ('bytes' in f ? pbField(f.no, f.bytes) : Buffer.alloc(0)))
    const body = Buffer.concat([patched, ...others, pbField(9, Buffer.from('ignored'))])
    const { copied, encoded } = bothPaths(body)
    const decoded = copied.map((r) => decode(r.value))
    expect(decoded).toEqual(encoded.map((r) => decode(r.value)))
    expect(decoded[0]!.resourceSpans[0]!.schemaUrl).toBe('https://r/2')
    expect(Buffer.from(copied[0]!.value).includes(Buffer.from('future'))).toBe(true)
  })

  it('falls back to encoding when a resource was truncated or a trace exceeds the record limit', () => {
    const req = mixedRequest(5)
    req.resourceSpans[0]!.resource!.attributes.push(str('huge', 'y'.repeat(100)))
    const body = encodeTraces(req, 'protobuf')
    const rules = { ...DEFAULT_ITEM_RULES, maxAttributeValueBytes: 32 }
    const { copied, encoded } = bothPaths(body, rules)
    expect(copied.map((r) => decode(r.value))).toEqual(encoded.map((r) => decode(r.value)))

    const small = decode(encodeTraces(mixedRequest(6), 'protobuf'))
    const slices = traceSlices(encodeTraces(mixedRequest(6), 'protobuf'), small)
    // slices of another decode do not match these span objects: the path must not use them
    const records = toRecords('traces', small, { tenantId: 'acme', maxRecordBytes: 300 }, createTally(), slices)
    for (const r of records) expect(r.value.length).toBeLessThanOrEqual(300)
  })

  it('refuses a layout that does not match the decoded request', () => {
    const body = encodeTraces(mixedRequest(1), 'protobuf')
    const other = decode(encodeTraces(mixedRequest(2), 'protobuf'))
    other.resourceSpans.pop()
    expect(traceSlices(body, other)).toBeNull()
    expect(traceSlices(Buffer.from([0x0b, 0x00]), { resourceSpans: [] })).toBeNull() // a group
  })
})

describe('records grouped by destination partition', () => {
  const partitions = 3
  const partitionOf = (key: Buffer): number => lastHexDigitPartition(key, partitions)
  const grouped: RecordOptions = { ...options, partitionOf }

  it('put every span once, in request order, into one record per partition keyed by its first trace — by both paths', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const req = mixedRequest(seed)
      const { copied, encoded } = bothPaths(encodeTraces(req, 'protobuf'), DEFAULT_ITEM_RULES, grouped)
      expect(copied.map((r) => r.key?.toString())).toEqual(encoded.map((r) => r.key?.toString()))
      expect(copied.map((r) => decode(r.value))).toEqual(encoded.map((r) => decode(r.value)))
      // expected independently: the request's spans in order, bucketed by trace id's last digit mod 3
      const sent = req.resourceSpans.flatMap((rs) =>
        rs.scopeSpans.flatMap((ss) => ss.spans.map((sp) => ({ trace: Buffer.from(sp.traceId).toString('hex'), span: Buffer.from(sp.spanId).toString('hex') }))),
      )
      const buckets = new Map<number, typeof sent>()
      for (const s of sent) {
        const p = Number.parseInt(s.trace.slice(-1), 16) % partitions
        buckets.set(p, [...(buckets.get(p) ?? []), s])
      }
      expect(copied).toHaveLength(buckets.size)
      for (const [i, record] of copied.entries()) {
        const spans = flat([record]).map(({ trace, span }) => ({ trace, span }))
        expect(record.key!.toString()).toBe(spans[0]!.trace)
        expect(spans).toEqual(buckets.get(partitionOf(record.key!)))
        expect(i === 0 || partitionOf(record.key!) !== partitionOf(copied[i - 1]!.key!)).toBe(true)
      }
    }
  })

  it('split a partition over the record limit into records of that partition, each within the limit, nothing lost or repeated', () => {
    const req = manyTraces(6, 20)
    const all = flat([{ key: null, value: Buffer.from(encodeTraces(req, 'protobuf')), headers: {} }])
    const limit = 2_000
    const { copied, encoded } = bothPaths(encodeTraces(req, 'protobuf'), DEFAULT_ITEM_RULES, { ...grouped, maxRecordBytes: limit })
    for (const records of [copied, encoded]) {
      expect(records.length).toBeGreaterThan(partitions)
      for (const record of records) {
        expect(record.value.length).toBeLessThanOrEqual(limit)
        for (const s of flat([record])) expect(partitionOf(Buffer.from(s.trace))).toBe(partitionOf(record.key!))
      }
      // per partition, the spans in request order with the containers they came with
      for (let p = 0; p < partitions; p++) {
        const inP = records.filter((r) => partitionOf(r.key!) === p)
        expect(new Set(inP.map((r) => r.key!.toString())).size).toBe(1)
        expect(flat(inP)).toEqual(all.filter((s) => partitionOf(Buffer.from(s.trace)) === p))
      }
    }
    // the copy path packs records nearly full: no more records than the byte count needs, plus one per partition
    const bytes = copied.reduce((n, r) => n + r.value.length, 0)
    expect(copied.length).toBeLessThanOrEqual(Math.ceil(bytes / (limit * 0.9)) + partitions)
  })

  it('reject a span that does not fit a record alone, and send the rest', () => {
    const req = manyTraces(2, 3)
    req.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes.push(str('big', 'z'.repeat(3_000)))
    const body = encodeTraces(req, 'protobuf')
    const sent = flat([{ key: null, value: Buffer.from(body), headers: {} }])
    const decoded = decode(body)
    const tally = validateRequest('traces', decoded, DEFAULT_ITEM_RULES, T0_MS)
    const records = toRecords('traces', decoded, { ...grouped, maxRecordBytes: 2_000 }, tally, traceSlices(body, decoded))
    expect(tally.rejectedBy).toEqual({ item_too_large: 1 })
    expect(tally.firstRejection).toContain('a span of trace 00000000000000000000000000000001')
    expect(flat(records).sort((a, b) => a.span.localeCompare(b.span))).toEqual(sent.slice(1).sort((a, b) => a.span.localeCompare(b.span)))
  })
})

describe('logs records', () => {
  function decodedLogs(body: Uint8Array): LogsRequest {
    const result = decodeLogs(body, 'protobuf')
    if (!result.ok) throw result.error
    return result.value
  }
  /** the records for a body, given as received (copy allowed) and without it (always encoded) */
  function bothLogPaths(body: Uint8Array, rules: ItemRules = DEFAULT_ITEM_RULES, maxRecordBytes = 1 << 20) {
    const copiedReq = decodedLogs(body)
    const copied = toRecords('logs', copiedReq, { ...options, maxRecordBytes, protobufBody: body }, validateRequest('logs', copiedReq, rules, T0_MS))
    const encodedReq = decodedLogs(body)
    const encoded = toRecords('logs', encodedReq, { ...options, maxRecordBytes }, validateRequest('logs', encodedReq, rules, T0_MS))
    return { copied, encoded }
  }
  const request = (): LogsRequest =>
    logs(Array.from({ length: 6 }, (_, i) => logRecord({ body: { type: 'string', value: `line ${i}` }, attributes: [str('n', String(i))] })))

  it('are the body as received when validation changed nothing, decoding as the encoded ones do', () => {
    // an unknown top-level field proves the bytes are the body's, not an encoding of it
    const body = Buffer.concat([encodeLogs(request(), 'protobuf'), pbField(9, Buffer.from('future'))])
    const { copied, encoded } = bothLogPaths(body)
    expect(copied).toHaveLength(1)
    expect(Buffer.compare(copied[0]!.value, body)).toBe(0)
    expect(copied[0]!.key).toBeNull()
    expect(copied[0]!.headers).toEqual(encoded[0]!.headers)
    expect(decodedLogs(copied[0]!.value)).toEqual(decodedLogs(encoded[0]!.value))
  })

  it('are encoded again when a record was truncated, rejected or had an all-zero id cleared, or the body is over the limit', () => {
    const truncated = request()
    truncated.resourceLogs[0]!.scopeLogs[0]!.logRecords[1]!.attributes.push(str('long', 'x'.repeat(100)))
    const rejected = request()
    rejected.resourceLogs[0]!.scopeLogs[0]!.logRecords[2]!.traceId = new Uint8Array(5)
    const cleared = request()
    cleared.resourceLogs[0]!.scopeLogs[0]!.logRecords[3]!.spanId = new Uint8Array(8)
    const rules = { ...DEFAULT_ITEM_RULES, maxAttributeValueBytes: 32 }
    for (const req of [truncated, rejected, cleared]) {
      const body = encodeLogs(req, 'protobuf')
      const { copied, encoded } = bothLogPaths(body, rules)
      expect(Buffer.compare(copied[0]!.value, Buffer.from(body))).not.toBe(0)
      expect(copied.map((r) => decodedLogs(r.value))).toEqual(encoded.map((r) => decodedLogs(r.value)))
    }
    expect(decodedLogs(bothLogPaths(encodeLogs(cleared, 'protobuf'), rules).copied[0]!.value).resourceLogs[0]!.scopeLogs[0]!.logRecords[3]!.spanId).toHaveLength(0)

    const body = encodeLogs(request(), 'protobuf')
    const { copied } = bothLogPaths(body, DEFAULT_ITEM_RULES, body.length - 1)
    expect(copied.length).toBeGreaterThan(1)
    for (const r of copied) expect(r.value.length).toBeLessThan(body.length)
  })
})
