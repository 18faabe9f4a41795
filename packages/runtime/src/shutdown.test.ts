import { Writable } from 'node:stream'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLogger } from './logger.ts'
import { onShutdown, type Shutdown } from './shutdown.ts'

function capture() {
  const lines: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>)
      done()
    },
  })
  return { lines, logger: createLogger({ service: 'test', destination }) }
}

const disposers: Shutdown[] = []
afterEach(() => {
  vi.useRealTimers()
  for (const d of disposers.splice(0)) d.dispose()
})

describe('onShutdown', () => {
  it('runs the steps once, in order, and exits 0', async () => {
    const { logger } = capture()
    const order: string[] = []
    const exit = vi.fn()
    const shutdown = onShutdown(
      { logger, timeoutMs: 1000, exit, signals: [] },
      { name: 'http', run: async () => void order.push('http') },
      { name: 'bus', run: () => void order.push('bus') },
      async function store() {
        order.push('store')
      },
    )
    const [a, b] = await Promise.all([shutdown('test'), shutdown('again')])
    expect(order).toEqual(['http', 'bus', 'store'])
    expect([a, b]).toEqual([0, 0])
    expect(exit).toHaveBeenCalledTimes(1)
    expect(exit).toHaveBeenCalledWith(0)
  })

  it('logs a failing step, still runs the rest, and exits 1', async () => {
    const { lines, logger } = capture()
    const order: string[] = []
    const exit = vi.fn()
    const shutdown = onShutdown(
      { logger, timeoutMs: 1000, exit, signals: [] },
      { name: 'drain', run: () => Promise.reject(new Error('flush failed')) },
      { name: 'store', run: () => void order.push('store') },
    )
    expect(await shutdown()).toBe(1)
    expect(order).toEqual(['store'])
    expect(exit).toHaveBeenCalledWith(1)
    expect(lines.find((l) => l.msg === 'shutdown step failed; continuing with the next')).toMatchObject({ level: 50, step: 'drain' })
  })

  it('exits 1 when the steps exceed the timeout', async () => {
    vi.useFakeTimers()
    const { lines, logger } = capture()
    const exit = vi.fn()
    const shutdown = onShutdown({ logger, timeoutMs: 5000, exit, signals: [] }, { name: 'stuck', run: () => new Promise(() => undefined) })
    const code = shutdown()
    await vi.advanceTimersByTimeAsync(4999)
    expect(exit).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(await code).toBe(1)
    expect(exit).toHaveBeenCalledWith(1)
    expect(lines.find((l) => l.msg === 'shutdown timed out; exiting without finishing')).toMatchObject({ step: 'stuck', timeoutMs: 5000 })
  })

  it('starts on SIGTERM and forces exit 1 on a second signal', async () => {
    const { logger } = capture()
    const exit = vi.fn()
    let release = (): void => undefined
    const started = vi.fn()
    const shutdown = onShutdown(
      { logger, timeoutMs: 10_000, exit, signals: ['SIGTERM', 'SIGINT'] },
      {
        name: 'slow',
        run: () =>
          new Promise<void>((resolve) => {
            started()
            release = resolve
          }),
      },
    )
    disposers.push(shutdown)
    process.emit('SIGTERM', 'SIGTERM')
    expect(started).toHaveBeenCalledTimes(1)
    expect(exit).not.toHaveBeenCalled()
    process.emit('SIGINT', 'SIGINT')
    expect(exit).toHaveBeenCalledWith(1)
    release()
    expect(await shutdown()).toBe(0)
    // The forced exit already happened; finishing the steps must not exit a second time.
    expect(exit).toHaveBeenCalledTimes(1)
    expect(started).toHaveBeenCalledTimes(1)
  })

  it('removes its signal handlers on dispose', () => {
    const { logger } = capture()
    const before = process.listenerCount('SIGTERM')
    const shutdown = onShutdown({ logger, timeoutMs: 10, exit: vi.fn(), signals: ['SIGTERM'] })
    expect(process.listenerCount('SIGTERM')).toBe(before + 1)
    shutdown.dispose()
    expect(process.listenerCount('SIGTERM')).toBe(before)
  })
})
