import { describe, expect, it } from 'vitest'
import { decodeTraces } from '@periscope/model'
import { createRandom, deepAttribute, pbField, pbTraces } from './mutator.ts'

describe('mutator building blocks', () => {
  it('builds the same deep value as naive nesting', () => {
    const naive = (depth: number) => {
      let v = pbField(1, Buffer.from('x'))
      for (let d = 0; d < depth; d++) v = pbField(5, pbField(1, v))
      return Buffer.concat([pbField(1, Buffer.from('deep')), pbField(2, v)])
    }
    for (const depth of [0, 1, 5, 70, 300]) expect(deepAttribute(depth).equals(naive(depth))).toBe(true)
  })

  it('builds protobuf requests the model decodes', () => {
    const decoded = decodeTraces(pbTraces([{ startNs: 5n }, { startNs: 6n }], createRandom(1)), 'protobuf')
    expect(decoded.ok && decoded.value.resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.startTimeUnixNano)).toEqual([5n, 6n])
  })
})
