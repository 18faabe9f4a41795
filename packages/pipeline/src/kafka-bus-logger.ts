/**
 * kafkajs logs through a logCreator: this one forwards its warnings and errors to the process's
 * pino logger (as warn: kafkajs recovers from them, or the bus turns them into retryable outcomes)
 * and drops everything below, so kafkajs never prints on its own.
 *
 * While a broker is down kafkajs repeats the same error on every retry of every request; a line
 * with the same namespace and message is therefore logged at most once per `repeatWindowMs`, and
 * the next one carries how many were suppressed in between. The table of recent lines is bounded.
 */
import { logLevel, type logCreator } from 'kafkajs'
import type { Logger } from 'pino'

/** warnings that are expected with our settings and say nothing to an operator */
const EXPECTED = [
  // send() is bounded by sendTimeoutMs, so the idempotent producer's retries are bounded on purpose
  /Limiting retries for the idempotent producer/,
]
const MAX_TRACKED_LINES = 200

export function createKafkaLogCreator(logger: Logger, options: { repeatWindowMs?: number; nowMs?: () => number } = {}): logCreator {
  const repeatWindowMs = options.repeatWindowMs ?? 10_000
  const nowMs = options.nowMs ?? Date.now
  const kafkaLogger = logger.child({ component: 'kafkajs' })
  const recent = new Map<string, { lastMs: number; suppressed: number }>()
  return () =>
    ({ namespace, level, label, log }) => {
      if (level > logLevel.WARN) return
      const { message, timestamp: _timestamp, logger: _name, ...fields } = log
      if (EXPECTED.some((re) => re.test(message))) return
      const key = `${namespace}\u0000${message}`
      const now = nowMs()
      const seen = recent.get(key)
      if (seen && now - seen.lastMs < repeatWindowMs) {
        seen.suppressed++
        return
      }
      if (!seen && recent.size >= MAX_TRACKED_LINES) recent.clear()
      const suppressed = seen?.suppressed ?? 0
      recent.set(key, { lastMs: now, suppressed: 0 })
      kafkaLogger.warn({ namespace, kafkaLevel: label, ...fields, ...(suppressed > 0 ? { suppressedRepeats: suppressed } : {}) }, message)
    }
}
