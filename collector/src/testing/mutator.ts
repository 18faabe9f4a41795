/**
 * A seeded mutator of OTLP request bodies for the collector's robustness test. Every mutation of
 * a class marked `invalid: true` yields a body that no conforming receiver may accept (so the
 * expected answer is a 4xx); `corrupt` flips random bytes, whose result may happen to be valid.
 *
 * Protobuf bodies here are built by hand from the wire format (not by the codec under test), so
 * the mutations can reach shapes an encoder would never produce.
 */
import { gzipSync } from 'node:zlib'
import { gzipBomb } from './gzip-bomb.ts'

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function varint(n: number): number[] {
  const out: number[] = []
  while (n > 127) {
    out.push((n & 127) | 128)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return out
}

/** A length-delimited protobuf field. */
export function pbField(no: number, bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(no << 3) | 2, ...varint(bytes.length)]), bytes])
}

function fixed64(no: number, value: bigint): Buffer {
  const b = Buffer.alloc(9)
  b[0] = (no << 3) | 1
  b.writeBigUInt64LE(value, 1)
  return b
}

function pbString(no: number, text: string): Buffer {
  return pbField(no, Buffer.from(text, 'utf8'))
}

/** KeyValue{key, value: AnyValue{string_value}} */
function pbStringAttribute(key: string, value: string): Buffer {
  return Buffer.concat([pbString(1, key), pbField(2, pbString(1, value))])
}

export interface SpanSpec {
  startNs: bigint
  name?: string
  /** raw KeyValue messages */
  attributes?: Buffer[]
}

/** ExportTraceServiceRequest with one resource, one scope and the given spans, by hand. */
export function pbTraces(spans: SpanSpec[], random: () => number): Buffer {
  const spanBytes = spans.map((s) => {
    const traceId = Buffer.alloc(16)
    const spanId = Buffer.alloc(8)
    for (let i = 0; i < 16; i++) traceId[i] = 1 + Math.floor(random() * 255)
    for (let i = 0; i < 8; i++) spanId[i] = 1 + Math.floor(random() * 255)
    return pbField(
      2,
      Buffer.concat([
        pbField(1, traceId),
        pbField(2, spanId),
        pbString(5, s.name ?? 'GET /orders'),
        fixed64(7, s.startNs),
        fixed64(8, s.startNs + 1_000_000n),
        ...(s.attributes ?? [pbStringAttribute('http.method', 'GET')]).map((kv) => pbField(9, kv)),
      ]),
    )
  })
  const resource = pbField(1, pbField(1, pbStringAttribute('service.name', 'fuzz')))
  const scope = pbField(1, pbString(1, 'fuzz-scope'))
  return pbField(1, Buffer.concat([resource, pbField(2, Buffer.concat([scope, ...spanBytes]))]))
}

function varintLength(n: number): number {
  return varint(n).length
}

/**
 * AnyValue nested `depth` arrays deep around a string, as a KeyValue. Written front to back into
 * one buffer from precomputed lengths: nesting with Buffer.concat would copy O(depth²) bytes.
 */
export function deepAttribute(depth: number): Buffer {
  // level 0: AnyValue{string_value: "x"} = 0a 01 78; level d: AnyValue{array_value(5): ArrayValue{values(1): level d-1}}
  const anyLength = [3]
  const arrayLength = [0]
  for (let d = 1; d <= depth; d++) {
    arrayLength[d] = 1 + varintLength(anyLength[d - 1]!) + anyLength[d - 1]!
    anyLength[d] = 1 + varintLength(arrayLength[d]!) + arrayLength[d]!
  }
  const key = pbString(1, 'deep')
  const valueHeader = Buffer.from([(2 << 3) | 2, ...varint(anyLength[depth]!)])
  const out = Buffer.alloc(key.length + valueHeader.length + anyLength[depth]!)
  let pos = 0
  pos += key.copy(out, pos)
  pos += valueHeader.copy(out, pos)
  for (let d = depth; d >= 1; d--) {
    for (const b of [(5 << 3) | 2, ...varint(arrayLength[d]!), (1 << 3) | 2, ...varint(anyLength[d - 1]!)]) out[pos++] = b
  }
  out[pos++] = 0x0a
  out[pos++] = 0x01
  out[pos++] = 0x78
  return out
}

export type MutationClass = 'truncated' | 'bad_varint' | 'deep_nesting' | 'huge_attributes' | 'bad_utf8' | 'bomb' | 'wrong_encoding' | 'corrupt'

export interface Mutant {
  kind: MutationClass
  /** true: no conforming receiver may accept it (expect 4xx) */
  invalid: boolean
  body: Buffer
  contentType: 'application/x-protobuf' | 'application/json'
  contentEncoding?: 'gzip'
}

const BAD_TAILS = [
  [0x80], // a tag varint that never ends
  [0x0a, 0xff, 0xff], // field 1, length varint that never ends
  [0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], // 11-byte varint (max is 10)
  [0x0a, 0x7f], // field 1 claiming 127 bytes that are not there
  [0x0f], // wire type 7 does not exist
]

export interface MutatorOptions {
  seed: number
  nowNs: bigint
  /** the collector's body limit: huge-attribute bodies are built to exceed it */
  maxBodyBytes: number
  /** valid JSON bodies to mutate (the JSON path has its own decoder) */
  jsonBodies: Buffer[]
}

export function createMutator(options: MutatorOptions) {
  const random = createRandom(options.seed)
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1))
  const validPb = () => pbTraces(Array.from({ length: int(1, 20) }, () => ({ startNs: options.nowNs })), random)
  const bomb = gzipBomb(Math.max(64 << 20, options.maxBodyBytes * 64))
  // one oversized attribute list, reused: building it each time would dominate the test's run time
  const hugeAttributes = Array.from({ length: Math.ceil(options.maxBodyBytes / 20) + 1 }, (_, i) => pbStringAttribute(`k${i}`, 'vvvvvvvv'))
  const hugeBody = pbTraces([{ startNs: options.nowNs, attributes: hugeAttributes }], random)

  const classes: MutationClass[] = ['truncated', 'bad_varint', 'deep_nesting', 'huge_attributes', 'bad_utf8', 'bomb', 'wrong_encoding', 'corrupt']
  const weights = [25, 15, 10, 3, 15, 4, 8, 20]
  const total = weights.reduce((a, b) => a + b, 0)

  function pickClass(): MutationClass {
    let r = random() * total
    for (let i = 0; i < classes.length; i++) if ((r -= weights[i]!) < 0) return classes[i]!
    return 'corrupt'
  }

  function json(): Buffer {
    return options.jsonBodies[int(0, options.jsonBodies.length - 1)]!
  }

  return function next(): Mutant {
    const kind = pickClass()
    const asJson = random() < 0.35
    switch (kind) {
      case 'truncated': {
        // any strict, non-empty prefix of a one-resource protobuf request or of a JSON object is invalid
        const body = asJson ? json() : validPb()
        return { kind, invalid: true, body: body.subarray(0, int(1, body.length - 1)), contentType: asJson ? 'application/json' : 'application/x-protobuf' }
      }
      case 'bad_varint': {
        const tail = BAD_TAILS[int(0, BAD_TAILS.length - 1)]!
        return { kind, invalid: true, body: Buffer.concat([validPb(), Buffer.from(tail)]), contentType: 'application/x-protobuf' }
      }
      case 'deep_nesting': {
        if (asJson) {
          const depth = int(64, 5000)
          const value = '{"arrayValue":{"values":['.repeat(depth) + '{"stringValue":"x"}' + ']}}'.repeat(depth)
          const text = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"n","startTimeUnixNano":"${options.nowNs}","endTimeUnixNano":"${options.nowNs + 1n}","attributes":[{"key":"deep","value":${value}}]}]}]}]}`
          return { kind, invalid: true, body: Buffer.from(text), contentType: 'application/json' }
        }
        const body = pbTraces([{ startNs: options.nowNs, attributes: [deepAttribute(int(64, 20_000))] }], random)
        return { kind, invalid: true, body, contentType: 'application/x-protobuf' }
      }
      case 'huge_attributes':
        // more than the body limit: refused (413) before it is decoded, gzip or not
        return random() < 0.5
          ? { kind, invalid: true, body: hugeBody, contentType: 'application/x-protobuf' }
          : { kind, invalid: true, body: gzipSync(hugeBody), contentType: 'application/x-protobuf', contentEncoding: 'gzip' }
      case 'bad_utf8': {
        if (asJson) {
          const body = Buffer.from(json())
          const at = body.indexOf('"name":"') + 8
          body[at] = 0xff
          return { kind, invalid: true, body, contentType: 'application/json' }
        }
        const name = Buffer.from('GET /orders')
        const body = validPb()
        const at = body.indexOf(name)
        body[at + int(0, name.length - 1)] = [0xff, 0xc0, 0xed, 0xf8][int(0, 3)]!
        return { kind, invalid: true, body, contentType: 'application/x-protobuf' }
      }
      case 'bomb':
        return { kind, invalid: true, body: bomb, contentType: asJson ? 'application/json' : 'application/x-protobuf', contentEncoding: 'gzip' }
      case 'wrong_encoding':
        // a gzip body sent without Content-Encoding: protobuf wire type 7 / invalid JSON
        return { kind, invalid: true, body: gzipSync(asJson ? json() : validPb()), contentType: asJson ? 'application/json' : 'application/x-protobuf' }
      default: {
        const body = Buffer.from(asJson ? json() : validPb())
        const flips = int(1, 8)
        for (let i = 0; i < flips; i++) body[int(0, body.length - 1)] = int(0, 255)
        return { kind, invalid: false, body, contentType: asJson ? 'application/json' : 'application/x-protobuf' }
      }
    }
  }
}
