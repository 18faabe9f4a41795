/**
 * The service logger: pino writing one JSON object per line, which is what the Periscope agent
 * tails. Line format (pino-compatible, so existing pino tooling reads it):
 *
 *   {"level":30,"levelName":"info","time":1735689600000,"pid":1,"hostname":"h","service":"checkout",
 *    "trace_id":"<32 hex>","span_id":"<16 hex>","request_id":"<id>", ...user fields, "msg":"…"}
 *
 * - `level` is pino's number (10 trace … 60 fatal), `levelName` its label; `time` is epoch ms.
 * - `trace_id`/`span_id` are those of the span active when the line is written and
 *   `request_id` the request's correlation id; the three are absent outside any request.
 * - User objects, message strings and interpolation arguments pass through the redactor first;
 *   correlation fields do not (they are ids we generated).
 */
import { hostname } from 'node:os'
import { context, isSpanContextValid, trace } from '@opentelemetry/api'
import { pino, type DestinationStream, type Level, type Logger } from 'pino'
import { createRedactor, type RedactOptions, type Redactor } from './redact.ts'
import { getRequestId, REQUEST_ID_ATTRIBUTE } from './request-id.ts'

export type { Logger } from 'pino'

export interface LoggerOptions {
  service: string
  serviceVersion?: string
  environment?: string
  /** Default 'info'. */
  level?: Level | 'silent'
  /** Where lines go; default stdout. `createLogOutput` builds one for stdout and/or a file. */
  destination?: DestinationStream
  /** Redaction rules, or a redactor already built. Default: the default rules. */
  redact?: RedactOptions | Redactor
}

/** The correlation fields of the active context: trace_id, span_id and request_id when present. */
export function correlationFields(): Record<string, string> {
  const ctx = context.active()
  const fields: Record<string, string> = {}
  const span = trace.getSpan(ctx)
  if (span !== undefined) {
    const sc = span.spanContext()
    // A recording span has the ids its tracer generated, valid by construction; only the others
    // (remote or wrapped contexts, ended spans) need the format check.
    if (span.isRecording() || isSpanContextValid(sc)) {
      fields.trace_id = sc.traceId
      fields.span_id = sc.spanId
    }
  }
  const requestId = getRequestId(ctx)
  if (requestId !== undefined) fields[REQUEST_ID_ATTRIBUTE] = requestId
  return fields
}

function isRedactor(value: RedactOptions | Redactor | undefined): value is Redactor {
  return value !== undefined && typeof (value as Redactor).redact === 'function'
}

export function createLogger(options: LoggerOptions): Logger {
  const redactor = isRedactor(options.redact) ? options.redact : createRedactor(options.redact)
  const base: Record<string, unknown> = { pid: process.pid, hostname: hostname(), service: options.service }
  if (options.serviceVersion !== undefined) base.service_version = options.serviceVersion
  if (options.environment !== undefined) base.environment = options.environment
  const logger = pino(
    {
      level: options.level ?? 'info',
      base,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.epochTime,
      mixin: correlationFields,
      formatters: {
        level: (label, number) => ({ level: number, levelName: label }),
        bindings: (bindings) => redactor.redact(bindings),
      },
      serializers: {
        // pino's error object has its own prototype; copy it so the redactor walks it.
        err: (err: unknown) => redactor.redact({ ...pino.stdSerializers.err(err as Error) }),
      },
      hooks: {
        logMethod(args, method) {
          const a = args as unknown[]
          for (let i = 0; i < a.length; i++) {
            const v = a[i]
            if (typeof v === 'string') a[i] = redactor.redactString(v)
            else if (i === 0 && v !== null && typeof v === 'object' && !(v instanceof Error)) a[i] = redactor.redact(v)
          }
          return method.apply(this, args)
        },
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  )
  // pino applies `formatters.bindings` to the base bindings only; child bindings are redacted
  // here. Children inherit this method through their prototype, so grandchildren are covered.
  const originalChild = logger.child
  logger.child = function child(this: Logger, bindings, childOptions) {
    return originalChild.call(this, redactor.redact(bindings), childOptions)
  } as Logger['child']
  return logger
}

export interface LogOutputOptions {
  stdout: boolean
  /** Also append lines to this file (directories are created). */
  file?: string
  /** Called once per output that fails (file cannot be opened, stdout closed…). */
  onError: (output: 'stdout' | 'file', err: unknown) => void
}

export interface LogOutput {
  destination: DestinationStream
  /** Lines not written because an output had failed. */
  droppedLines(): number
  /** Flushes pending lines synchronously (process exit). */
  flushSync(): void
  close(): Promise<void>
}

interface Sink {
  name: 'stdout' | 'file'
  stream: ReturnType<typeof pino.destination>
  failed: boolean
}

/**
 * Fans lines out to stdout and/or a file. An output that fails is detached and counted instead of
 * buffering without bound or throwing into the host.
 */
export function createLogOutput(options: LogOutputOptions): LogOutput {
  const sinks: Sink[] = []
  let dropped = 0
  const noop = (): void => {}
  /**
   * Detaches a failed output. Its stream is made inert, as pino does on EPIPE: pino flushes
   * asynchronous destinations on process exit, and flushing one that never opened would throw
   * out of the host's exit.
   */
  const fail = (sink: Sink, err: unknown): void => {
    sink.failed = true
    const stream = sink.stream as unknown as Record<string, unknown>
    for (const method of ['write', 'flush', 'flushSync', 'end', 'destroy']) stream[method] = noop
    options.onError(sink.name, err)
  }
  const attach = (name: Sink['name'], open: () => ReturnType<typeof pino.destination>): void => {
    try {
      const sink: Sink = { name, stream: open(), failed: false }
      sink.stream.on('error', (err: unknown) => {
        if (sink.failed) return
        fail(sink, err)
      })
      sinks.push(sink)
    } catch (err) {
      options.onError(name, err)
    }
  }
  if (options.stdout) attach('stdout', () => pino.destination({ dest: 1, sync: false }))
  if (options.file !== undefined) {
    const file = options.file
    attach('file', () => pino.destination({ dest: file, sync: false, mkdir: true, append: true }))
  }
  return {
    destination: {
      write(line: string): void {
        for (const sink of sinks) {
          if (sink.failed) {
            dropped++
            continue
          }
          try {
            sink.stream.write(line)
          } catch (err) {
            fail(sink, err)
          }
        }
      },
    },
    droppedLines: () => dropped,
    flushSync(): void {
      for (const sink of sinks) {
        if (sink.failed) continue
        try {
          sink.stream.flushSync()
        } catch {
          // not yet open, or already closed: nothing we could still write
        }
      }
    },
    async close(): Promise<void> {
      await Promise.all(
        sinks.map(
          (sink) =>
            new Promise<void>((resolve) => {
              if (sink.failed || sink.name === 'stdout') {
                // stdout stays open for the host; only flush what we queued
                try {
                  if (!sink.failed) sink.stream.flush()
                } catch {
                  // nothing left to flush
                }
                resolve()
                return
              }
              sink.stream.once('close', () => resolve())
              sink.stream.once('error', () => resolve())
              try {
                sink.stream.end()
              } catch {
                resolve()
              }
            }),
        ),
      )
    },
  }
}
