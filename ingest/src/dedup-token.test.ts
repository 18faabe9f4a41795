import { describe, expect, it } from 'vitest'
import { insertDedupToken } from './dedup-token.ts'

describe('insertDedupToken', () => {
  it('names topic, partition, the inclusive offset range and the table', () => {
    expect(insertDedupToken({ topic: 'otlp.traces', partition: 3, first: 1200n, last: 1456n }, 'otel_traces')).toBe('otlp.traces/3/1200-1456/otel_traces')
  })

  it('differs for each table of one range, and for neighbouring ranges', () => {
    const range = { topic: 'otlp.metrics', partition: 0, first: 10n, last: 19n }
    const tokens = new Set([
      insertDedupToken(range, 'otel_metrics_gauge'),
      insertDedupToken(range, 'otel_metrics_sum'),
      insertDedupToken({ ...range, last: 18n }, 'otel_metrics_gauge'),
      insertDedupToken({ ...range, first: 1n, last: 9n }, 'otel_metrics_gauge'),
      insertDedupToken({ ...range, partition: 1 }, 'otel_metrics_gauge'),
    ])
    expect(tokens.size).toBe(5)
  })
})
