import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes, isAllZero } from './hex.ts'

describe('hex', () => {
  it('converts both ways, lowercase out, either case in', () => {
    expect(bytesToHex(new Uint8Array([0, 1, 0xab, 0xff]))).toBe('0001abff')
    expect(hexToBytes('0001ABff')).toEqual(new Uint8Array([0, 1, 0xab, 0xff]))
    expect(hexToBytes('')).toEqual(new Uint8Array(0))
  })

  it('rejects odd lengths and non-hex characters', () => {
    for (const bad of ['abc', 'zz', '0g', ' 01', '０１', 'é0']) expect(hexToBytes(bad)).toBeNull()
  })

  it('agrees with Buffer on every input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        const hex = Buffer.from(b).toString('hex')
        expect(bytesToHex(b)).toBe(hex)
        expect(hexToBytes(hex)).toEqual(b)
      }),
    )
  })

  it('knows all-zero ids', () => {
    expect(isAllZero(new Uint8Array(16))).toBe(true)
    expect(isAllZero(new Uint8Array([0, 0, 1]))).toBe(false)
  })
})
