import { describe, expect, it } from 'vitest'
import { parseAttributes, searchFromParams, searchParams } from './trace-query.ts'

describe('trace search in the URL', () => {
  it('reads the form from the URL, attributes from attr.* params', () => {
    const search = searchFromParams(new URLSearchParams('service=payment&status=error&attr.http.route=/cart&attr.user.id=42&from=now-1h'))
    expect(search).toEqual({ service: 'payment', operation: '', status: 'error', minDurationMs: '', maxDurationMs: '', attributes: 'http.route=/cart user.id=42' })
  })
  it('writes the API params back, without empty fields, attributes as attr.*', () => {
    expect(searchParams({ service: 'payment', operation: ' ', status: '', minDurationMs: '250', maxDurationMs: '', attributes: 'a=1  b=x=y' })).toEqual({
      service: 'payment',
      minDurationMs: '250',
      'attr.a': '1',
      'attr.b': 'x=y',
    })
  })
  it('reports pieces that are not key=value', () => {
    expect(parseAttributes('a=1 oops =v')).toEqual({ pairs: [['a', '1']], invalid: ['oops', '=v'] })
  })
})
