/**
 * Log severity normalisation, the one place that maps between OTLP SeverityNumber (1-24) and the
 * short severity names. The OTLP ranges: 1-4 TRACE, 5-8 DEBUG, 9-12 INFO, 13-16 WARN,
 * 17-20 ERROR, 21-24 FATAL; 0 is unspecified.
 */

const NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const

export type SeverityName = (typeof NAMES)[number]

/** 'INFO' for 9..12 and so on; '' for 0 or a number outside 1..24. */
export function severityTextOf(severityNumber: number): SeverityName | '' {
  if (!Number.isInteger(severityNumber) || severityNumber < 1 || severityNumber > 24) return ''
  return NAMES[(severityNumber - 1) >> 2]!
}

const BY_TEXT: Record<string, number> = {
  TRACE: 1,
  DEBUG: 5,
  INFO: 9,
  INFORMATION: 9,
  NOTICE: 10,
  WARN: 13,
  WARNING: 13,
  ERROR: 17,
  ERR: 17,
  FATAL: 21,
  CRITICAL: 21,
  CRIT: 21,
  ALERT: 22,
  EMERGENCY: 23,
  EMERG: 23,
  PANIC: 21,
}

/**
 * The lowest SeverityNumber of a severity name, case-insensitively: 'info' -> 9, 'WARN2' -> 14,
 * and common syslog/logging-library spellings (warning, critical, err, notice...). 0 when unknown.
 */
export function severityNumberOf(text: string): number {
  const t = text.trim().toUpperCase()
  const direct = BY_TEXT[t]
  if (direct !== undefined) return direct
  // OTLP's short names with a level suffix: TRACE2..FATAL4
  const last = t.charCodeAt(t.length - 1) - 48
  if (t.length > 1 && last >= 2 && last <= 4) {
    const base = NAMES.indexOf(t.slice(0, -1) as SeverityName)
    if (base >= 0) return base * 4 + last
  }
  return 0
}
