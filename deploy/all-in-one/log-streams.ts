/**
 * Where the launcher's in-process services log: pino JSON lines, at the configured level, to
 * <data>/logs/periscope.log (appended), and warnings and errors also to stderr so the terminal
 * shows what needs attention. Each service keeps its own logger (its `service` field); all of
 * them share these two streams. The agent never tails <data>/logs (see agent-config.ts).
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { pino } from 'pino'
import { createLogger, type Logger, type LogLevel } from '@periscope/runtime'

export interface LogStreams {
  readonly dir: string
  readonly file: string
  logger(service: string): Logger
  /** flushes the file stream (call before exiting) */
  flush(): void
}

export function openLogStreams(dataDir: string, level: LogLevel): LogStreams {
  const dir = join(dataDir, 'logs')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'periscope.log')
  // synchronous writes: the lines logged during shutdown must be on disk before process.exit
  const fileStream = pino.destination({ dest: file, append: true, sync: true, mkdir: true })
  const streams = pino.multistream(
    [
      { level: level === 'silent' ? 'fatal' : level, stream: fileStream },
      { level: 'warn', stream: pino.destination({ dest: 2, sync: true }) },
    ],
    { dedupe: false },
  )
  return {
    dir,
    file,
    logger: (service) => createLogger({ service, level, destination: streams }),
    flush: () => fileStream.flushSync(),
  }
}
