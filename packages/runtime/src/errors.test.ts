import { describe, expect, it } from 'vitest'
import { createError, isPeriscopeError, PeriscopeError } from './errors.ts'

const BodyTooLarge = createError<[number, number]>('PERISCOPE_ERR_TEST_BODY_TOO_LARGE', 'body of %s bytes exceeds the limit of %s bytes', 413)
const StoreDown = createError('PERISCOPE_ERR_TEST_STORE_DOWN', 'store unavailable', 503)

describe('createError', () => {
  it('formats the template and carries code and status', () => {
    const error = new BodyTooLarge(2048, 1024)
    expect(error.message).toBe('body of 2048 bytes exceeds the limit of 1024 bytes')
    expect(error.code).toBe('PERISCOPE_ERR_TEST_BODY_TOO_LARGE')
    expect(error.statusCode).toBe(413)
    expect(error).toBeInstanceOf(BodyTooLarge)
    expect(error).toBeInstanceOf(PeriscopeError)
    expect(error).toBeInstanceOf(Error)
    expect(error.stack).toContain('errors.test.ts')
    expect(String(error)).toBe('PeriscopeError [PERISCOPE_ERR_TEST_BODY_TOO_LARGE]: body of 2048 bytes exceeds the limit of 1024 bytes')
  })

  it('takes a trailing { cause } as the Error cause', () => {
    const root = new Error('ECONNREFUSED')
    const error = new StoreDown({ cause: root })
    expect(error.cause).toBe(root)
    expect(error.message).toBe('store unavailable')
  })

  it('defaults to 500 and exposes the declaration on the class', () => {
    const Internal = createError('PERISCOPE_ERR_TEST_INTERNAL', 'boom')
    expect(new Internal().statusCode).toBe(500)
    expect(BodyTooLarge.code).toBe('PERISCOPE_ERR_TEST_BODY_TOO_LARGE')
    expect(BodyTooLarge.statusCode).toBe(413)
    expect(BodyTooLarge.name).toBe('PERISCOPE_ERR_TEST_BODY_TOO_LARGE')
  })

  it('rejects malformed declarations', () => {
    expect(() => createError('BODY_TOO_LARGE', 'x', 413)).toThrow(/PERISCOPE_ERR_/)
    expect(() => createError('PERISCOPE_ERR_TEST_X', '', 413)).toThrow(/template/)
    expect(() => createError('PERISCOPE_ERR_TEST_X', 'x', 700)).toThrow(/status/)
  })
})

describe('isPeriscopeError', () => {
  it('recognises coded errors only', () => {
    expect(isPeriscopeError(new StoreDown())).toBe(true)
    expect(isPeriscopeError(new Error('x'))).toBe(false)
    expect(isPeriscopeError({ code: 'PERISCOPE_ERR_X' })).toBe(false)
    expect(isPeriscopeError(null)).toBe(false)
  })
})
