/**
 * Seeded generator of malformed and hostile OTLP/HTTP requests, every one of which a correct
 * collector must refuse with a 4xx. Complements the collector's in-process mutation test
 * (collector/src/robustness.test.ts, 10k mutants via app.inject): these go over real sockets to
 * the collector process, and add HTTP-level abuse (auth, media types, encodings, lengths) and
 * hostile OTLP/JSON (prototype-pollution keys, markup and SQL in ids, absurd numbers, deep nesting).
 *
 * Classes and the refusal expected:
 *   truncated       valid protobuf cut strictly inside its only top-level field      400
 *   bad_tag         random bytes after a field-0 tag (never valid protobuf)          400
 *   bad_json        JSON syntax errors, non-object roots                             400
 *   hostile_json    structurally hostile OTLP/JSON (ids with markup, NaN times,
 *                   __proto__/constructor keys, 100-deep values)                     400
 *   bad_gzip        Content-Encoding gzip over bytes that are not gzip               400
 *   gzip_bomb       a small gzip body inflating far past the body limit              413
 *   oversized       a body larger than the body limit                                413
 *   media_type      a Content-Type other than protobuf/JSON                          415
 *   encoding        an unsupported Content-Encoding                                  415
 *   auth            no key, a malformed key, an unknown key                          401
 */
import { gzipSync } from 'node:zlib'
import { encodeTraces } from '@periscope/model'
import { spanBatch } from './span-batches.ts'

export type HostileClass =
  | 'truncated'
  | 'bad_tag'
  | 'bad_json'
  | 'hostile_json'
  | 'bad_gzip'
  | 'gzip_bomb'
  | 'oversized'
  | 'media_type'
  | 'encoding'
  | 'auth'

export interface HostileRequest {
  kind: HostileClass
  /** the status class or exact status expected */
  expect: 400 | 401 | 413 | 415
  path: string
  headers: Record<string, string>
  body: Buffer
}

/** xorshift32: deterministic per seed */
export function createRandom(seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return x / 0x1_0000_0000
  }
}

const CLASSES: HostileClass[] = ['truncated', 'bad_tag', 'bad_json', 'hostile_json', 'bad_gzip', 'gzip_bomb', 'oversized', 'media_type', 'encoding', 'auth']

const HOSTILE_STRINGS = ['<script>alert(1)</script>', "'; DROP TABLE otel_traces; --", '${jndi:ldap://x/a}', '\u0000\uFFFF', '../../etc/passwd', '%s%n%x']

export interface HostileGeneratorOptions {
  seed: number
  key: string
  maxBodyBytes: number
}

export function createHostileGenerator(o: HostileGeneratorOptions): () => HostileRequest {
  const rnd = createRandom(o.seed)
  const int = (n: number) => Math.floor(rnd() * n)
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!
  const valid = [1, 3, 10].map((n) => Buffer.from(encodeTraces(spanBatch('hostile', 'hostile', 0, n), 'protobuf')))
  const validJson = Buffer.from(encodeTraces(spanBatch('hostile', 'hostile', 0, 2), 'json')).toString('utf8')
  // 64 MiB of zeros gzip to ~64 KiB: far past any body limit once inflated
  const bomb = gzipSync(Buffer.alloc(Math.max(64 << 20, o.maxBodyBytes * 4)), { level: 9 })
  const oversized = Buffer.alloc(o.maxBodyBytes + 1024, 0x0a)
  const auth = { authorization: `Bearer ${o.key}` }
  const pb = { ...auth, 'content-type': 'application/x-protobuf' }
  const json = { ...auth, 'content-type': 'application/json' }
  const path = () => pick(['/v1/traces', '/v1/logs', '/v1/metrics'])

  function hostileJson(): string {
    const evil = pick(HOSTILE_STRINGS)
    switch (int(6)) {
      case 0:
        return validJson.replace(/"traceId":"[0-9a-f]+"/, `"traceId":${JSON.stringify(evil)}`)
      case 1:
        return validJson.replace(/"startTimeUnixNano":"\d+"/, `"startTimeUnixNano":${pick(['"NaN"', '"1e400"', '-1', '"-5"', '{}', '[]', 'true'])}`)
      case 2:
        return `{"__proto__":{"polluted":true},"resourceSpans":{"constructor":{"prototype":{"x":1}}}}`
      case 3:
        return `{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":${'{"arrayValue":{"values":['.repeat(100)}${'{"stringValue":"x"}'}${']}}'.repeat(100)}}]}]}]}]}`
      case 4:
        return `{"resourceSpans":${JSON.stringify(evil)}}`
      default:
        return validJson.replace(/"spanId":"[0-9a-f]+"/, `"spanId":"${'zz'.repeat(8)}"`)
    }
  }

  return function next(): HostileRequest {
    const kind = pick(CLASSES)
    switch (kind) {
      case 'truncated': {
        const v = pick(valid)
        return { kind, expect: 400, path: '/v1/traces', headers: pb, body: v.subarray(0, 2 + int(v.length - 3)) }
      }
      case 'bad_tag': {
        const body = Buffer.alloc(1 + int(512))
        for (let i = 1; i < body.length; i++) body[i] = int(256)
        body[0] = pick([0x00, 0x07, 0x03, 0x04]) // field 0, or wire types 3/4/7 at the top level
        return { kind, expect: 400, path: path(), headers: pb, body }
      }
      case 'bad_json':
        return { kind, expect: 400, path: path(), headers: json, body: Buffer.from(pick(['{', '[1,2', '"x"', 'null', '[]', '{"resourceSpans":[}', '\u0000', '{"a":1}}'])) }
      case 'hostile_json':
        return { kind, expect: 400, path: '/v1/traces', headers: json, body: Buffer.from(hostileJson()) }
      case 'bad_gzip':
        return { kind, expect: 400, path: path(), headers: { ...pb, 'content-encoding': 'gzip' }, body: Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from(pick(valid))]) }
      case 'gzip_bomb':
        return { kind, expect: 413, path: path(), headers: { ...pb, 'content-encoding': 'gzip' }, body: bomb }
      case 'oversized':
        return { kind, expect: 413, path: path(), headers: pb, body: oversized }
      case 'media_type':
        return { kind, expect: 415, path: path(), headers: { ...auth, 'content-type': pick(['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded']) }, body: pick(valid) }
      case 'encoding':
        return { kind, expect: 415, path: path(), headers: { ...pb, 'content-encoding': pick(['br', 'deflate', 'zstd', 'gzip, gzip', 'x-evil']) }, body: pick(valid) }
      case 'auth': {
        const header = pick([undefined, 'Bearer', 'Basic dXNlcjpwYXNz', `Bearer ${'x'.repeat(8)}`, 'Bearer psk_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', `Bearer ${pick(HOSTILE_STRINGS).replace(/[^\x21-\x7e]/g, '') || 'x'}`])
        const headers: Record<string, string> = { 'content-type': 'application/x-protobuf' }
        if (header !== undefined) headers.authorization = header
        return { kind, expect: 401, path: path(), headers, body: pick(valid) }
      }
    }
  }
}
