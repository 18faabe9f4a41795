import { describe, expect, it } from 'vitest'
import { anyValueOf, keyValuesOf } from '../otlp/any-value-of.ts'
import { bodyText, flattenAttributes, MAX_VALUE_DEPTH, scalarText } from './any-value.ts'

describe('flattenAttributes', () => {
  it('spreads kvlists into dotted keys and renders the rest as text', () => {
    const attrs = keyValuesOf({
      http: { request: { method: 'GET', size: 12 }, ok: true },
      list: [1, 'a', [2.5], { k: null }],
      raw: new Uint8Array([104, 105]),
      nothing: null,
      big: 2n ** 62n,
    })
    expect(flattenAttributes(attrs)).toEqual({
      'http.request.method': 'GET',
      'http.request.size': '12',
      'http.ok': 'true',
      list: '[1,"a",[2.5],{"k":null}]',
      raw: 'aGk=',
      nothing: '',
      big: '4611686018427387904',
    })
  })

  it('lets later keys win and keeps a literal __proto__ key as data', () => {
    const out = flattenAttributes(keyValuesOf({ a: { b: 'nested' }, 'a.b': 'literal', ['__proto__']: 'p' }))!
    expect(out['a.b']).toBe('literal')
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.keys(out)).toContain('__proto__')
  })

  it('refuses values nested deeper than the limit', () => {
    let v: unknown = 'leaf'
    for (let i = 0; i < MAX_VALUE_DEPTH; i++) v = { k: v }
    expect(flattenAttributes(keyValuesOf({ v }))).toEqual({ [`v${'.k'.repeat(MAX_VALUE_DEPTH)}`]: 'leaf' })
    expect(flattenAttributes(keyValuesOf({ v: { k: v } }))).toBeNull()
    let arr: unknown = 'leaf'
    for (let i = 0; i <= MAX_VALUE_DEPTH; i++) arr = [arr]
    expect(flattenAttributes(keyValuesOf({ arr }))).toBeNull()
  })
})

describe('scalarText and bodyText', () => {
  it('renders scalars as attribute text and structures as JSON', () => {
    expect(scalarText(anyValueOf(1.5))).toBe('1.5')
    expect(scalarText(anyValueOf(Number.NaN))).toBe('NaN')
    expect(scalarText(anyValueOf(-0))).toBe('0')
    expect(bodyText(anyValueOf({ a: [1, { b: 'c' }] }))).toBe('{"a":[1,{"b":"c"}]}')
    expect(bodyText(anyValueOf('plain "text"'))).toBe('plain "text"')
    expect(bodyText(null)).toBe('')
  })
})

describe('anyValueOf', () => {
  it('maps JavaScript values to AnyValue kinds', () => {
    expect(anyValueOf(3)).toEqual({ type: 'int', value: 3n })
    expect(anyValueOf(3.25)).toEqual({ type: 'double', value: 3.25 })
    expect(anyValueOf(2 ** 60)).toEqual({ type: 'double', value: 2 ** 60 })
    expect(anyValueOf(undefined)).toEqual({ type: 'empty' })
    expect(anyValueOf({ a: [true] })).toEqual({ type: 'kvlist', value: [{ key: 'a', value: { type: 'array', value: [{ type: 'bool', value: true }] } }] })
  })
})
