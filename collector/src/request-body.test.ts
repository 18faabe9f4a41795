import { describe, expect, it } from 'vitest'
import { gzipSync } from 'node:zlib'
import { compressionOf, encodingOf, inflateBounded } from './request-body.ts'
import { gzipBomb } from './testing/gzip-bomb.ts'

describe('encodingOf', () => {
  it('maps the two OTLP media types, ignoring parameters and case', () => {
    expect(encodingOf('application/x-protobuf')).toBe('protobuf')
    expect(encodingOf('Application/JSON; charset=utf-8')).toBe('json')
    expect(encodingOf(' application/json ')).toBe('json')
  })
  it('refuses anything else', () => {
    expect(encodingOf(undefined)).toBeNull()
    expect(encodingOf('text/plain')).toBeNull()
    expect(encodingOf('application/protobuf')).toBeNull()
    expect(encodingOf('application/jsonx')).toBeNull()
  })
})

describe('compressionOf', () => {
  it('accepts none, identity and gzip', () => {
    expect(compressionOf(undefined)).toBe('none')
    expect(compressionOf('identity')).toBe('none')
    expect(compressionOf('GZIP')).toBe('gzip')
  })
  it('refuses codings it cannot inflate', () => {
    expect(compressionOf('br')).toBeNull()
    expect(compressionOf('deflate')).toBeNull()
    expect(compressionOf('gzip, br')).toBeNull()
  })
})

describe('inflateBounded', () => {
  it('inflates a body under the limit', async () => {
    const plain = Buffer.from('x'.repeat(10_000))
    const outcome = await inflateBounded(gzipSync(plain), 10_000)
    expect(outcome).toEqual({ ok: true, body: plain })
  })

  it('refuses a body one byte over the limit', async () => {
    const outcome = await inflateBounded(gzipSync(Buffer.alloc(10_001)), 10_000)
    expect(outcome.ok).toBe(false)
    if (!outcome.ok) expect(outcome.reason).toBe('too_large')
  })

  it('refuses a bomb that would inflate to 1 GiB without allocating it', async () => {
    const bomb = gzipBomb(1 << 30)
    expect(bomb.length).toBeLessThan(2 << 20)

    const rss0 = process.memoryUsage().rss
    const outcome = await inflateBounded(bomb, 4 << 20)
    const grownBytes = process.memoryUsage().rss - rss0
    expect(outcome.ok).toBe(false)
    if (!outcome.ok) expect(outcome.reason).toBe('too_large')
    expect(grownBytes).toBeLessThan(256 << 20)
  })

  it('calls corrupt and truncated input malformed', async () => {
    const good = gzipSync(Buffer.from('hello world, hello world'))
    for (const bad of [Buffer.from('not gzip at all'), good.subarray(0, good.length - 6), Buffer.alloc(0)]) {
      const outcome = await inflateBounded(bad, 1 << 20)
      expect(outcome.ok).toBe(false)
      if (!outcome.ok) expect(outcome.reason).toBe('malformed')
    }
  })
})
