/**
 * At most one log line per kind of event per interval: during an outage every request fails the
 * same way, and a line per request would bury the logs. The line that is written says how many
 * were left out since the last one.
 */
import type { Logger } from 'pino'

export interface LogThrottle {
  /** logs at `level` unless `kind` was logged less than the interval ago */
  log(level: 'warn' | 'error', kind: string, fields: Record<string, unknown>, message: string): void
}

export function createLogThrottle(logger: Logger, intervalMs: number, nowMs: () => number): LogThrottle {
  const last = new Map<string, { atMs: number; suppressed: number }>()
  return {
    log(level, kind, fields, message) {
      const now = nowMs()
      const entry = last.get(kind)
      if (entry && now - entry.atMs < intervalMs) {
        entry.suppressed++
        return
      }
      logger[level]({ ...fields, suppressedSinceLast: entry?.suppressed ?? 0 }, message)
      last.set(kind, { atMs: now, suppressed: 0 })
    },
  }
}
