import { describe, expect, it } from 'vitest'
import { createSelfMetrics } from './self-metrics.ts'

describe('createSelfMetrics', () => {
  it('exposes counters, gauges and histograms in Prometheus text with the service label', async () => {
    const metrics = createSelfMetrics({ service: 'collector', defaultMetrics: false })
    const received = metrics.counter({ name: 'periscope_test_received_total', help: 'Requests received.', labelNames: ['signal'] as const })
    received.inc({ signal: 'traces' })
    received.inc({ signal: 'traces' }, 2)
    let depth = 0
    metrics.gauge({ name: 'periscope_test_queue_items', help: 'Items queued.', collect: (g) => g.set(depth) })
    depth = 7
    const latency = metrics.histogram({ name: 'periscope_test_duration_seconds', help: 'Handling time.', buckets: [0.1, 1] })
    latency.observe(0.05)
    latency.observe(0.5)

    const text = await metrics.text()
    expect(metrics.contentType).toContain('text/plain')
    expect(text).toContain('# HELP periscope_test_received_total Requests received.')
    expect(text).toContain('# TYPE periscope_test_received_total counter')
    expect(text).toContain('periscope_test_received_total{signal="traces",service="collector"} 3')
    expect(text).toContain('periscope_test_queue_items{service="collector"} 7')
    expect(text).toContain('periscope_test_duration_seconds_bucket{le="0.1",service="collector"} 1')
    expect(text).toContain('periscope_test_duration_seconds_bucket{le="1",service="collector"} 2')
    expect(text).toContain('periscope_test_duration_seconds_count{service="collector"} 2')
  })

  it('exposes counts kept elsewhere as a counter read at scrape time', async () => {
    const metrics = createSelfMetrics({ service: 'ingest', defaultMetrics: false })
    const kept: Record<string, number> = { records_sent: 2 }
    metrics.counts({ name: 'periscope_test_events_total', help: 'Events.', labelName: 'event', read: () => kept })
    expect(await metrics.text()).toContain('periscope_test_events_total{event="records_sent",service="ingest"} 2')
    kept.records_sent = 5
    kept.consumer_restarts = 1
    const text = await metrics.text()
    expect(text).toContain('# TYPE periscope_test_events_total counter')
    expect(text).toContain('periscope_test_events_total{event="records_sent",service="ingest"} 5')
    expect(text).toContain('periscope_test_events_total{event="consumer_restarts",service="ingest"} 1')
  })

  it('keeps registries apart and includes process metrics by default', async () => {
    const a = createSelfMetrics({ service: 'a' })
    const b = createSelfMetrics({ service: 'b' })
    a.counter({ name: 'periscope_test_only_in_a_total', help: 'x' })
    b.counter({ name: 'periscope_test_only_in_a_total', help: 'x' }) // same name, other registry: no clash
    const text = await a.text()
    expect(text).toContain('process_cpu_user_seconds_total')
    expect(text).toContain('nodejs_eventloop_lag_seconds')
    expect(text).not.toContain('service="b"')
  })

  it('rejects unbounded or invalid label names and duplicate metrics', () => {
    const metrics = createSelfMetrics({ service: 's', defaultMetrics: false })
    expect(() => metrics.counter({ name: 'periscope_test_x_total', help: 'x', labelNames: ['trace_id'] })).toThrow(/unbounded/)
    expect(() => metrics.counter({ name: 'periscope-test', help: 'x' })).toThrow(/not a valid Prometheus name/)
    expect(() => metrics.counter({ name: 'periscope_test_y_total', help: 'x', labelNames: ['bad-label'] })).toThrow(/label/)
    metrics.counter({ name: 'periscope_test_z_total', help: 'x' })
    expect(() => metrics.counter({ name: 'periscope_test_z_total', help: 'x' })).toThrow(/already been registered/)
  })
})
