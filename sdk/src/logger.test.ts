import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { context, trace } from '@opentelemetry/api'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { correlationFields, createLogger, createLogOutput } from './logger.ts'
import { withRequestId } from './request-id.ts'

type Line = Record<string, unknown>

function capture(): { lines: Line[]; destination: { write(s: string): void } } {
  const lines: Line[] = []
  return { lines, destination: { write: (s: string) => void lines.push(JSON.parse(s) as Line) } }
}

const provider = new NodeTracerProvider()
beforeAll(() => {
  provider.register()
})
afterAll(async () => {
  await provider.shutdown()
  trace.disable()
  context.disable()
})

describe('createLogger', () => {
  it('writes pino-compatible lines with numeric level, label, epoch-ms time and service', () => {
    const { lines, destination } = capture()
    const before = Date.now()
    createLogger({ service: 'checkout', serviceVersion: '1.2.3', environment: 'test', destination }).warn({ orderId: 7 }, 'slow order')
    const line = lines[0]!
    expect(line.level).toBe(40)
    expect(line.levelName).toBe('warn')
    expect(line.time as number).toBeGreaterThanOrEqual(before)
    expect(line.time as number).toBeLessThanOrEqual(Date.now())
    expect(line.service).toBe('checkout')
    expect(line.service_version).toBe('1.2.3')
    expect(line.environment).toBe('test')
    expect(line.msg).toBe('slow order')
    expect(line.orderId).toBe(7)
    expect(line.trace_id).toBeUndefined()
    expect(line.request_id).toBeUndefined()
  })

  it('adds the active span ids and the request id to every line', () => {
    const { lines, destination } = capture()
    const logger = createLogger({ service: 's', destination })
    const tracer = trace.getTracer('test')
    let ids = { traceId: '', spanId: '' }
    withRequestId('req-42', () => {
      tracer.startActiveSpan('op', (span) => {
        ids = span.spanContext()
        logger.info('inside')
        span.end()
      })
      logger.info('request only')
    })
    logger.info('outside')
    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(lines[0]).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId, request_id: 'req-42', msg: 'inside' })
    expect(lines[1]).toMatchObject({ request_id: 'req-42', msg: 'request only' })
    expect(lines[1]!.trace_id).toBeUndefined()
    expect(lines[2]!.request_id).toBeUndefined()
  })

  it('keeps correlation across await', async () => {
    const { lines, destination } = capture()
    const logger = createLogger({ service: 's', destination })
    await withRequestId('req-async', async () => {
      await new Promise((r) => setImmediate(r))
      logger.info('later')
    })
    expect(lines[0]!.request_id).toBe('req-async')
  })

  it('redacts objects, messages, interpolation arguments, errors and child bindings', () => {
    const { lines, destination } = capture()
    const logger = createLogger({ service: 's', destination })
    logger.info({ user: { email: 'bob@example.com', password: 'pw' }, ok: 'fine' }, 'paid with 4242 4242 4242 4242')
    logger.info('hello %s', 'carol@example.com')
    logger.error(new Error('token rejected for dave@example.com'))
    logger.child({ customer: 'erin@example.com' }).info('child line')
    expect(lines[0]).toMatchObject({ user: { email: '[REDACTED]', password: '[REDACTED]' }, ok: 'fine', msg: 'paid with [REDACTED]' })
    expect(lines[1]!.msg).toBe('hello [REDACTED]')
    const err = lines[2]!.err as { message: string; stack: string; type: string }
    expect(err.type).toBe('Error')
    expect(err.message).toBe('token rejected for [REDACTED]')
    expect(err.stack).not.toContain('dave@example.com')
    expect(lines[3]!.customer).toBe('[REDACTED]')
  })

  it('honours the level and custom redaction', () => {
    const { lines, destination } = capture()
    const logger = createLogger({ service: 's', destination, level: 'warn', redact: { enabled: false } })
    logger.info('dropped')
    logger.warn({ password: 'pw' }, 'kept')
    expect(lines).toHaveLength(1)
    expect(lines[0]!.password).toBe('pw')
  })
})

describe('correlationFields', () => {
  it('takes the ids of a valid wrapped (remote) context, and none from an invalid one', () => {
    const remote = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true }
    const fromRemote = context.with(trace.setSpanContext(context.active(), remote), () => correlationFields())
    expect(fromRemote).toEqual({ trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331' })
    for (const bad of [
      { traceId: '00000000000000000000000000000000', spanId: 'b7ad6b7169203331' },
      { traceId: 'not-hex-not-hex-not-hex-not-hex!', spanId: 'b7ad6b7169203331' },
      { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'short' },
    ]) {
      const fields = context.with(trace.setSpanContext(context.active(), { ...bad, traceFlags: 1, isRemote: true }), () => correlationFields())
      expect(fields, bad.traceId).toEqual({})
    }
  })

  it('keeps the ids of an ended span that is still the active one', () => {
    const span = trace.getTracer('t').startSpan('ended')
    span.end()
    const fields = context.with(trace.setSpan(context.active(), span), () => correlationFields())
    expect(fields).toEqual({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId })
  })

  it('is empty outside any span or request', () => {
    expect(correlationFields()).toEqual({})
  })
})

describe('createLogOutput', () => {
  const dir = mkdtempSync(join(tmpdir(), 'periscope-sdk-log-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('appends lines to a file, creating its directory', async () => {
    const file = join(dir, 'nested', 'svc.log')
    const errors: unknown[] = []
    const output = createLogOutput({ stdout: false, file, onError: (_o, e) => errors.push(e) })
    const logger = createLogger({ service: 'svc', destination: output.destination })
    logger.info('one')
    logger.info('two')
    await output.close()
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line)
    expect(lines.map((l) => l.msg)).toEqual(['one', 'two'])
    expect(errors).toEqual([])
  })

  it('reports a file that cannot be opened once, then drops and counts its lines', async () => {
    const errors: string[] = []
    // a path below a regular file can never be created
    const blocker = join(dir, 'blocker')
    const output0 = createLogOutput({ stdout: false, file: blocker, onError: () => {} })
    output0.destination.write('{}\n')
    await output0.close()
    let output: ReturnType<typeof createLogOutput> | undefined
    await new Promise<void>((resolve) => {
      output = createLogOutput({
        stdout: false,
        file: join(blocker, 'x.log'),
        onError: (o) => {
          errors.push(o)
          resolve()
        },
      })
    })
    if (output === undefined) throw new Error('no output')
    output.destination.write('{"a":1}\n')
    output.destination.write('{"a":2}\n')
    expect(errors).toEqual(['file'])
    expect(output.droppedLines()).toBe(2)
    await output.close()
  })
})
