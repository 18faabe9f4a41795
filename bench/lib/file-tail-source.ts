/**
 * The agent's file_tail source as the benchmarks run it: production polling and batching, reading
 * `<logDir>/*.log` from the beginning; only the path differs. `batch` overrides batching fields.
 */
import { join } from 'node:path'

export function benchFileTailSource(logDir: string, batch: object = {}): Record<string, unknown> {
  return {
    enabled: true,
    include: [join(logDir, '*.log')],
    startAt: 'beginning',
    pollIntervalMs: 250,
    globIntervalMs: 2000,
    orphanIdleMs: 5000,
    batch: { maxRecords: 1000, maxBytes: 1024 * 1024, maxDelayMs: 1000, ...batch },
    multiline: { flushTimeoutMs: 1000 },
  }
}
