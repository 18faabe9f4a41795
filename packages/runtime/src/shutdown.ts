/**
 * Graceful shutdown. On the first SIGTERM or SIGINT the steps run once, in the order given
 * (typically: stop accepting requests, drain/flush buffers, close the bus, close the store),
 * each awaited. A step that throws is logged and the remaining steps still run, since closing
 * the store still matters when draining failed. The process then exits 0, or 1 if any step
 * failed. If the whole sequence exceeds `timeoutMs` the process exits 1 at once; a second
 * signal during shutdown forces exit 1 (the operator pressed Ctrl-C twice).
 *
 * The returned `shutdown()` runs the same sequence without a signal; with an injected `exit`
 * tests observe the exit code instead of losing the test process.
 */
import type { Logger } from 'pino'

export type ShutdownStep = { readonly name: string; readonly run: () => unknown } | (() => unknown)

export interface ShutdownOptions {
  readonly logger: Logger
  /** Upper bound for all steps together. */
  readonly timeoutMs: number
  /** Defaults to process.exit. */
  readonly exit?: (code: number) => void
  /** Signals to handle; defaults to SIGTERM and SIGINT. Pass [] to handle none (tests). */
  readonly signals?: readonly NodeJS.Signals[]
}

export interface Shutdown {
  /** Runs the steps (once; later calls return the same promise) and resolves with the exit code. */
  (reason?: string): Promise<number>
  /** Removes the signal handlers (for tests and for embedding). */
  dispose(): void
}

export function onShutdown(options: ShutdownOptions, ...steps: ShutdownStep[]): Shutdown {
  const { logger, timeoutMs } = options
  const exit = options.exit ?? ((code: number) => process.exit(code))
  const signals = options.signals ?? ['SIGTERM', 'SIGINT']
  let running: Promise<number> | undefined
  let exited = false

  const finish = (code: number): void => {
    if (exited) return
    exited = true
    exit(code)
  }

  const run = async (reason: string): Promise<number> => {
    const startedMs = Date.now()
    logger.info({ reason, steps: steps.length, timeoutMs }, 'shutdown started')
    let current = ''
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        logger.error({ timeoutMs, step: current }, 'shutdown timed out; exiting without finishing')
        resolve(1)
      }, timeoutMs)
    })
    const sequence = (async () => {
      let failed = 0
      for (const [index, step] of steps.entries()) {
        const name = typeof step === 'function' ? step.name || `step ${index + 1}` : step.name
        current = name
        try {
          await (typeof step === 'function' ? step() : step.run())
        } catch (error) {
          failed++
          logger.error({ err: error, step: name }, 'shutdown step failed; continuing with the next')
        }
      }
      if (failed === 0) logger.info({ durationMs: Date.now() - startedMs }, 'shutdown complete')
      else logger.error({ durationMs: Date.now() - startedMs, failedSteps: failed }, 'shutdown finished with failed steps')
      return failed === 0 ? 0 : 1
    })()
    const code = await Promise.race([sequence, timedOut])
    clearTimeout(timer)
    finish(code)
    return code
  }

  const shutdown = ((reason = 'requested') => {
    running ??= run(reason)
    return running
  }) as Shutdown

  const onSignal = (signal: NodeJS.Signals): void => {
    if (running !== undefined) {
      logger.warn({ signal }, 'second signal during shutdown; forcing exit')
      finish(1)
      return
    }
    void shutdown(signal)
  }
  for (const signal of signals) process.on(signal, onSignal)
  shutdown.dispose = () => {
    for (const signal of signals) process.off(signal, onSignal)
  }
  return shutdown
}
