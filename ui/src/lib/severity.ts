/** Severity of a log record → a CSS class: from the OTLP number when set, else the text. */

export type SeverityLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'

export function severityLevel(text: string, number: number): SeverityLevel {
  if (number >= 21) return 'fatal'
  if (number >= 17) return 'error'
  if (number >= 13) return 'warn'
  if (number >= 9) return 'info'
  if (number >= 5) return 'debug'
  if (number >= 1) return 'trace'
  const t = text.toLowerCase()
  if (t.startsWith('fatal') || t.startsWith('crit') || t.startsWith('emerg') || t.startsWith('alert')) return 'fatal'
  if (t.startsWith('err')) return 'error'
  if (t.startsWith('warn')) return 'warn'
  if (t.startsWith('debug')) return 'debug'
  if (t.startsWith('trace')) return 'trace'
  return 'info'
}

export function severityClass(text: string, number: number): string {
  return `sev-${severityLevel(text, number)}`
}
