import { Writable } from 'node:stream'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { createError } from './errors.ts'
import { createLogger } from './logger.ts'
import { problemErrorHandler, problemNotFoundHandler } from './problem-error-handler.ts'

const TooLarge = createError<[number]>('PERISCOPE_ERR_TEST_TOO_LARGE', 'body exceeds %s bytes', 413)
const Unavailable = createError('PERISCOPE_ERR_TEST_UNAVAILABLE', 'clickhouse at 10.0.0.5 refused', 503)

function capture() {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>)
      done()
    },
  })
  return { lines, logger: createLogger({ service: 'test', destination: stream }) }
}

let app: ReturnType<typeof Fastify> | undefined
afterEach(async () => app?.close())

function build(logger: ReturnType<typeof createLogger>) {
  app = Fastify()
  app.setErrorHandler(problemErrorHandler(logger))
  app.setNotFoundHandler(problemNotFoundHandler)
  app.get('/too-large', async () => {
    throw new TooLarge(1024)
  })
  app.get('/unavailable', async () => {
    throw Object.assign(new Unavailable({ cause: new Error('ECONNREFUSED') }), { headers: { 'retry-after': '5' } })
  })
  app.get('/bug', async () => {
    throw new TypeError("Cannot read properties of undefined (reading 'secret')")
  })
  app.post('/validated', { schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } }, async () => 'ok')
  return app
}

describe('problemErrorHandler', () => {
  it('answers 4xx with the code and message, without logging', async () => {
    const { lines, logger } = capture()
    const response = await build(logger).inject({ method: 'GET', url: '/too-large' })
    expect(response.statusCode).toBe(413)
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8')
    expect(response.json()).toEqual({ type: 'about:blank', title: 'Payload Too Large', status: 413, detail: 'body exceeds 1024 bytes', code: 'PERISCOPE_ERR_TEST_TOO_LARGE' })
    expect(lines.filter((l) => l.msg === 'request failed')).toHaveLength(0)
  })

  it('answers fastify validation errors as 400 problems', async () => {
    const { logger } = capture()
    const response = await build(logger).inject({ method: 'POST', url: '/validated', payload: {} })
    expect(response.statusCode).toBe(400)
    const body = response.json() as { status: number; code: string; detail: string }
    expect(body.status).toBe(400)
    expect(body.code).toBe('FST_ERR_VALIDATION')
    expect(body.detail).toContain('name')
  })

  it('answers 5xx generically, keeps the status and headers, and logs in full', async () => {
    const { lines, logger } = capture()
    const response = await build(logger).inject({ method: 'GET', url: '/unavailable' })
    expect(response.statusCode).toBe(503)
    expect(response.headers['retry-after']).toBe('5')
    const body = response.json() as { detail: string; code: string; title: string }
    expect(body.code).toBe('PERISCOPE_ERR_TEST_UNAVAILABLE')
    expect(body.title).toBe('Service Unavailable')
    expect(response.body).not.toContain('10.0.0.5')
    const logged = lines.find((l) => l.msg === 'request failed')
    expect(logged).toMatchObject({ level: 50, method: 'GET', url: '/unavailable' })
    expect(JSON.stringify(logged)).toContain('10.0.0.5')
    expect(body.detail).toContain(String(logged?.reqId))
  })

  it('hides unexpected errors behind PERISCOPE_ERR_INTERNAL', async () => {
    const { lines, logger } = capture()
    const response = await build(logger).inject({ method: 'GET', url: '/bug' })
    expect(response.statusCode).toBe(500)
    expect(response.json()).toMatchObject({ status: 500, title: 'Internal Server Error', code: 'PERISCOPE_ERR_INTERNAL' })
    expect(response.body).not.toContain('secret')
    expect((lines.find((l) => l.msg === 'request failed')?.err as { type: string }).type).toBe('TypeError')
  })

  it('answers unknown routes with a 404 problem', async () => {
    const { logger } = capture()
    const response = await build(logger).inject({ method: 'GET', url: '/nope?x=1' })
    expect(response.statusCode).toBe(404)
    expect(response.json()).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'no route for GET /nope', code: 'PERISCOPE_ERR_NOT_FOUND' })
  })
})
