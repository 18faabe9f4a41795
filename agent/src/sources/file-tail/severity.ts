/**
 * Severity names and numbers → OTLP SeverityNumber (1-24): TRACE 1, DEBUG 5, INFO 9, WARN 13,
 * ERROR 17, FATAL 21. Numeric levels follow pino/bunyan (10 trace … 60 fatal); syslog-style
 * names (notice, critical, emergency…) map to their nearest OTLP band.
 */

export interface Severity {
  number: number
  text: string
}

const BY_NAME: Record<string, number> = {
  trace: 1,
  debug: 5,
  dbg: 5,
  info: 9,
  information: 9,
  informational: 9,
  notice: 10,
  warn: 13,
  warning: 13,
  error: 17,
  err: 17,
  crit: 18,
  critical: 18,
  alert: 19,
  emerg: 21,
  emergency: 21,
  fatal: 21,
  panic: 21,
}

const PINO_LEVELS: Record<number, Severity> = {
  10: { number: 1, text: 'trace' },
  20: { number: 5, text: 'debug' },
  30: { number: 9, text: 'info' },
  40: { number: 13, text: 'warn' },
  50: { number: 17, text: 'error' },
  60: { number: 21, text: 'fatal' },
}

export function severityFromValue(value: unknown): Severity | undefined {
  if (typeof value === 'number') return PINO_LEVELS[value]
  if (typeof value !== 'string' || value.length === 0 || value.length > 16) return undefined
  const number = BY_NAME[value.toLowerCase()]
  return number === undefined ? undefined : { number, text: value }
}

const LEVEL_WORD_RE = /\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|CRITICAL|FATAL|PANIC)\b/

/** A level word near the start of a plain-text line ("2024-… ERROR boom", "[WARN] x"). */
export function severityFromText(line: string): Severity | undefined {
  const m = LEVEL_WORD_RE.exec(line.length > 80 ? line.slice(0, 80) : line)
  return m ? severityFromValue(m[1]) : undefined
}
