/**
 * kafkajs logs through a logCreator: this one forwards its warnings and errors to the process's
 * pino logger (as warn: kafkajs recovers from them, or the bus turns them into retryable outcomes)
 * and drops everything below, so kafkajs never prints on its own.
 */
import { logLevel, type logCreator } from 'kafkajs'
import type { Logger } from 'pino'

/** warnings that are expected with our settings and say nothing to an operator */
const EXPECTED = [
  // send() is bounded by sendTimeoutMs, so the idempotent producer's retries are bounded on purpose
  /Limiting retries for the idempotent producer/,
]

export function createKafkaLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ component: 'kafkajs' })
  return () =>
    ({ namespace, level, log }) => {
      if (level > logLevel.WARN) return
      const { message, timestamp: _timestamp, logger: _name, ...fields } = log
      if (EXPECTED.some((re) => re.test(message))) return
      kafkaLogger.warn({ namespace, kafkaLevel: logLevel[level], ...fields }, message)
    }
}
