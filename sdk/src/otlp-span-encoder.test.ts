import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { resourceFromAttributes } from '@opentelemetry/resources'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node'
import { describe, expect, it } from 'vitest'
import { EncodeCache, writeSpan } from './otlp-span-encoder.ts'
import { ProtobufWriter } from './protobuf-writer.ts'

const resource = resourceFromAttributes({ 'service.name': 'cache' })

function span(name: string, attributes: Record<string, string | number>): ReadableSpan {
  const context = { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', traceFlags: 1 }
  return {
    name,
    kind: SpanKind.SERVER,
    spanContext: () => context,
    parentSpanContext: undefined,
    startTime: [1, 0],
    endTime: [2, 0],
    status: { code: SpanStatusCode.UNSET },
    attributes,
    links: [],
    events: [],
    duration: [1, 0],
    ended: true,
    resource,
    instrumentationScope: { name: 'cache' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  }
}

describe('EncodeCache', () => {
  it('caches the values of low-cardinality keys and gives up on a key at its 33rd distinct value', () => {
    const cache = new EncodeCache()
    const w = new ProtobufWriter(1024)
    for (let i = 0; i < 40; i++) writeSpan(w, 0x12, span('GET /', { 'http.request.method': i % 2 ? 'GET' : 'POST', 'url.path': `/items/${i}` }), cache)
    expect([...cache.keys.get('http.request.method')!.values!.keys()].sort()).toEqual(['GET', 'POST'])
    expect(cache.keys.get('url.path')!.values).toBeUndefined()
    // the key itself is still cached
    expect(cache.keys.get('url.path')!.key.length).toBe('url.path'.length + 2)
  })

  it('learns at most 256 keys and 1024 names, and nothing longer than 256 bytes', () => {
    const cache = new EncodeCache()
    const w = new ProtobufWriter(1024)
    for (let i = 0; i < 1100; i++) {
      w.reset()
      writeSpan(w, 0x12, span(`name ${i}`, { [`key.${i % 300}`]: 1 }), cache)
    }
    expect(cache.keys.size).toBe(256)
    expect(cache.names.size).toBe(1024)
    const fresh = new EncodeCache()
    w.reset()
    writeSpan(w, 0x12, span('n'.repeat(300), { ['k'.repeat(300)]: 'v', short: 'v'.repeat(300) }), fresh)
    expect(fresh.names.has('n'.repeat(300))).toBe(false)
    expect(fresh.keys.has('k'.repeat(300))).toBe(false)
    expect(fresh.keys.get('short')!.values!.size).toBe(0)
  })
})
