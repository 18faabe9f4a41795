/**
 * The platform logger: pino writing one JSON object per line to stdout. Every line carries
 * `service`, `pid` and `hostname` so lines from the all-in-one process and from separate
 * deployments read the same. Authorization and cookie headers are redacted wherever a request
 * or headers object is logged, so a bearer key never reaches a log file.
 */
import { hostname } from 'node:os'
import { pino, type DestinationStream, type Level, type Logger } from 'pino'

export type { Logger } from 'pino'
export type LogLevel = Level | 'silent'

export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

export interface LoggerOptions {
  readonly service: string
  /** Defaults to 'info'. */
  readonly level?: LogLevel | undefined
  /** Defaults to stdout; tests pass a stream to capture lines. */
  readonly destination?: DestinationStream | undefined
  /** Extra pino redaction paths (e.g. a config field that carries a secret). */
  readonly redact?: readonly string[] | undefined
}

const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'request.headers.authorization',
  'request.headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  'res.headers["set-cookie"]',
]

export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level ?? 'info',
    base: { service: options.service, pid: process.pid, hostname: hostname() },
    redact: { paths: [...REDACTED_PATHS, ...(options.redact ?? [])], censor: '[redacted]' },
  }
  // Without a destination pino writes to stdout synchronously, so lines logged just before
  // process.exit (shutdown, config errors) are not lost.
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination)
}
