import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from '@periscope/runtime'
import { createLogThrottle } from './log-throttle.ts'

describe('createLogThrottle', () => {
  it('writes one line per kind per interval, counting the ones it left out', () => {
    const lines: Record<string, unknown>[] = []
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
        done()
      },
    })
    let now = 0
    const throttle = createLogThrottle(createLogger({ service: 't', destination }), 10_000, () => now)
    for (let i = 0; i < 5; i++) throttle.log('warn', 'bus', {}, 'bus down')
    throttle.log('warn', 'keys', {}, 'keys down')
    now = 10_000
    throttle.log('warn', 'bus', {}, 'bus down')
    expect(lines.map((l) => [l.msg, l.suppressedSinceLast])).toEqual([
      ['bus down', 0],
      ['keys down', 0],
      ['bus down', 4],
    ])
  })
})
