import { Type } from 'typebox'
import { describe, expect, it } from 'vitest'
import { envBindings, toUpperSnake } from './env-names.ts'
import { parseEnvValue } from './env-parse.ts'
import type { SchemaNode } from './schema-shape.ts'

describe('toUpperSnake', () => {
  it.each([
    ['maxBodyBytes', 'MAX_BODY_BYTES'],
    ['p99Ms', 'P99_MS'],
    ['clientId', 'CLIENT_ID'],
    ['httpURLPath', 'HTTP_URL_PATH'],
    ['ttl_days', 'TTL_DAYS'],
    ['port', 'PORT'],
  ])('%s → %s', (key, expected) => {
    expect(toUpperSnake(key)).toBe(expected)
  })
})

describe('envBindings', () => {
  it('names every leaf under the prefix, merging union variants', () => {
    const schema = Type.Object({
      server: Type.Object({ port: Type.Integer() }),
      store: Type.Union([
        Type.Object({ mode: Type.Literal('embedded'), path: Type.String() }),
        Type.Object({ mode: Type.Literal('server'), url: Type.String() }),
      ]),
      brokers: Type.Array(Type.String()),
    })
    const bindings = envBindings(schema as unknown as SchemaNode, 'P_')
    expect([...bindings.keys()].sort()).toEqual(['P_BROKERS', 'P_SERVER_PORT', 'P_STORE_MODE', 'P_STORE_PATH', 'P_STORE_URL'])
    expect(bindings.get('P_STORE_MODE')?.schemas).toHaveLength(2)
    expect(bindings.get('P_STORE_URL')?.path).toEqual(['store', 'url'])
  })
})

describe('parseEnvValue', () => {
  const parse = (schema: unknown, raw: string) => parseEnvValue([schema as SchemaNode], raw)

  it('parses numbers, leaving non-numbers for validation to report', () => {
    expect(parse(Type.Integer(), '42')).toEqual({ ok: true, value: 42 })
    expect(parse(Type.Number(), '0.25')).toEqual({ ok: true, value: 0.25 })
    expect(parse(Type.Integer(), 'forty')).toEqual({ ok: true, value: 'forty' })
    expect(parse(Type.Integer(), ' ')).toEqual({ ok: true, value: ' ' })
  })

  it('tries union alternatives in order', () => {
    const schema = Type.Union([Type.Integer(), Type.Literal('auto')])
    expect(parse(schema, '8')).toEqual({ ok: true, value: 8 })
    expect(parse(schema, 'auto')).toEqual({ ok: true, value: 'auto' })
    expect(parse(Type.Union([Type.Number(), Type.Null()]), 'null')).toEqual({ ok: true, value: null })
  })

  it('reads numeric literals and enums', () => {
    expect(parse(Type.Literal(3), '3')).toEqual({ ok: true, value: 3 })
    expect(parse(Type.Enum(['a', 'b']), 'b')).toEqual({ ok: true, value: 'b' })
  })

  it('reads an empty list and rejects malformed JSON', () => {
    expect(parse(Type.Array(Type.String()), ' ')).toEqual({ ok: true, value: [] })
    const bad = parse(Type.Object({ a: Type.String() }), '{a:1}')
    expect(bad.ok).toBe(false)
  })
})
