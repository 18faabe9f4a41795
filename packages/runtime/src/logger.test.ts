import { hostname } from 'node:os'
import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from './logger.ts'

function capture() {
  const lines: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>)
      done()
    },
  })
  return { lines, destination }
}

describe('createLogger', () => {
  it('writes JSON lines with service, pid and hostname', () => {
    const { lines, destination } = capture()
    createLogger({ service: 'collector', destination }).info({ port: 4318 }, 'listening')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: 30, service: 'collector', pid: process.pid, hostname: hostname(), port: 4318, msg: 'listening' })
    expect(typeof lines[0]?.time).toBe('number')
  })

  it('honours the configured level', () => {
    const { lines, destination } = capture()
    const logger = createLogger({ service: 's', level: 'warn', destination })
    logger.info('dropped')
    logger.warn('kept')
    expect(lines.map((l) => l.msg)).toEqual(['kept'])
  })

  it('redacts authorization and cookie headers wherever requests are logged', () => {
    const { lines, destination } = capture()
    const logger = createLogger({ service: 's', destination, redact: ['store.password'] })
    logger.info({ req: { headers: { authorization: 'Bearer k1', host: 'h' } } }, 'a')
    logger.info({ headers: { authorization: 'Bearer k2', cookie: 'c=1' } }, 'b')
    logger.info({ upstream: { headers: { authorization: 'Bearer k3' } } }, 'c')
    logger.info({ store: { password: 'hunter2', url: 'u' } }, 'd')
    const text = JSON.stringify(lines)
    for (const secret of ['k1', 'k2', 'k3', 'c=1', 'hunter2']) expect(text).not.toContain(secret)
    expect(lines[0]).toMatchObject({ req: { headers: { authorization: '[redacted]', host: 'h' } } })
    expect(lines[3]).toMatchObject({ store: { password: '[redacted]', url: 'u' } })
  })
})
