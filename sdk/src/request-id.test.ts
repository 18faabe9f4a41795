import { defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT } from '@opentelemetry/api'
import { describe, expect, it } from 'vitest'
import { createRequestIdPropagator, getRequestId, isValidRequestId, setRequestId } from './request-id.ts'

describe('request id propagator', () => {
  const propagator = createRequestIdPropagator()

  it('accepts a valid incoming x-request-id', () => {
    const ctx = propagator.extract(ROOT_CONTEXT, { 'x-request-id': 'abc-123' }, defaultTextMapGetter)
    expect(getRequestId(ctx)).toBe('abc-123')
  })

  it('takes the first of repeated headers', () => {
    const ctx = propagator.extract(ROOT_CONTEXT, { 'x-request-id': ['first', 'second'] }, defaultTextMapGetter)
    expect(getRequestId(ctx)).toBe('first')
  })

  it('generates a fresh id when the header is missing or not acceptable', () => {
    const missing = getRequestId(propagator.extract(ROOT_CONTEXT, {}, defaultTextMapGetter))
    const injected = getRequestId(propagator.extract(ROOT_CONTEXT, { 'x-request-id': 'a b\n{"level":60}' }, defaultTextMapGetter))
    const tooLong = getRequestId(propagator.extract(ROOT_CONTEXT, { 'x-request-id': 'x'.repeat(129) }, defaultTextMapGetter))
    for (const id of [missing, injected, tooLong]) expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(new Set([missing, injected, tooLong]).size).toBe(3)
  })

  it('does not generate when told not to', () => {
    const p = createRequestIdPropagator({ generate: false })
    expect(getRequestId(p.extract(ROOT_CONTEXT, {}, defaultTextMapGetter))).toBeUndefined()
  })

  it('injects the id of the context under the configured header, and nothing without one', () => {
    const carrier: Record<string, string> = {}
    propagator.inject(setRequestId(ROOT_CONTEXT, 'r-1'), carrier, defaultTextMapSetter)
    expect(carrier).toEqual({ 'x-request-id': 'r-1' })
    const custom = createRequestIdPropagator({ header: 'X-Correlation-Id' })
    const c2: Record<string, string> = {}
    custom.inject(setRequestId(ROOT_CONTEXT, 'r-2'), c2, defaultTextMapSetter)
    expect(c2).toEqual({ 'x-correlation-id': 'r-2' })
    const c3: Record<string, string> = {}
    propagator.inject(ROOT_CONTEXT, c3, defaultTextMapSetter)
    expect(c3).toEqual({})
    expect(custom.fields()).toEqual(['x-correlation-id'])
  })

  it('validates ids: 1-128 printable ASCII without spaces', () => {
    expect(isValidRequestId('a')).toBe(true)
    expect(isValidRequestId('x'.repeat(128))).toBe(true)
    expect(isValidRequestId('')).toBe(false)
    expect(isValidRequestId('has space')).toBe(false)
    expect(isValidRequestId('é')).toBe(false)
    expect(isValidRequestId(42)).toBe(false)
  })
})
