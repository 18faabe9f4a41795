import { describe, expect, it } from 'vitest'
import { parseExposition } from './exposition-parser.ts'
import { familiesToMetrics } from './to-otlp.ts'

const TEXT = `# HELP http_requests_total Total requests, with a \\\\ backslash
# TYPE http_requests_total counter
http_requests_total{method="GET",path="/a \\"q\\"\\n"} 1027 1704164645000
http_requests_total{method="POST",path="/b"} 3
# TYPE latency_seconds histogram
latency_seconds_bucket{route="/x",le="0.1"} 2
latency_seconds_bucket{route="/x",le="0.5"} 5
latency_seconds_bucket{route="/x",le="+Inf"} 6
latency_seconds_sum{route="/x"} 1.75
latency_seconds_count{route="/x"} 6
# TYPE rpc_seconds summary
rpc_seconds{quantile="0.5"} 0.01
rpc_seconds{quantile="0.99"} 0.2
rpc_seconds_sum 12.5
rpc_seconds_count 1000
# TYPE temperature gauge
temperature -3.5e1
some_untyped NaN
# a plain comment
`

describe('Prometheus text exposition parser', () => {
  it('groups samples into families with unescaped labels, values and timestamps', () => {
    const parsed = parseExposition(TEXT)
    if (!parsed.ok) throw new Error(parsed.error.message)
    const families = parsed.value
    expect(families.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['http_requests_total', 'counter', 2],
      ['latency_seconds', 'histogram', 5],
      ['rpc_seconds', 'summary', 4],
      ['temperature', 'gauge', 1],
      ['some_untyped', 'untyped', 1],
    ])
    expect(families[0]!.help).toBe('Total requests, with a \\ backslash')
    expect(families[0]!.samples[0]).toEqual({ name: 'http_requests_total', labels: { method: 'GET', path: '/a "q"\n' }, value: 1027, timestampMs: 1704164645000 })
    expect(families[3]!.samples[0]!.value).toBe(-35)
    expect(families[4]!.samples[0]!.value).toBeNaN()
  })

  it('fails the whole body on a malformed line, naming it', () => {
    for (const [body, line] of [
      ['ok 1\nbad{a="1" 2\n', 2],
      ['x{a="1",a="2"} 1', 1],
      ['x 1 2 3', 1],
      ['x one', 1],
      ['# TYPE x bogus\nx 1', 1],
      ['<html>not metrics</html>', 1],
    ] as const) {
      const parsed = parseExposition(body)
      expect(parsed.ok, body).toBe(false)
      if (!parsed.ok) expect(parsed.error.line).toBe(line)
    }
  })

  it('maps counters, histograms, summaries and gauges to OTLP', () => {
    const parsed = parseExposition(TEXT)
    if (!parsed.ok) throw new Error('parse')
    const { metrics, invalid } = familiesToMetrics(parsed.value, 100n, 200n)
    expect(invalid).toBe(0)
    const byName = new Map(metrics.map((m) => [m.name, m]))
    const counter = byName.get('http_requests_total')!
    expect(counter.data).toMatchObject({ type: 'sum', isMonotonic: true, aggregationTemporality: 2 })
    if (counter.data.type !== 'sum') throw new Error('type')
    expect(counter.data.dataPoints[0]).toMatchObject({ startTimeUnixNano: 100n, timeUnixNano: 1704164645000000000n, value: { type: 'double', value: 1027 } })
    const histogram = byName.get('latency_seconds')!
    if (histogram.data.type !== 'histogram') throw new Error('type')
    // cumulative 2, 5, 6 → per-bucket 2, 3, 1
    expect(histogram.data.dataPoints[0]).toMatchObject({
      attributes: [{ key: 'route', value: { type: 'string', value: '/x' } }],
      count: 6n,
      sum: 1.75,
      explicitBounds: [0.1, 0.5],
      bucketCounts: [2n, 3n, 1n],
      startTimeUnixNano: 100n,
      timeUnixNano: 200n,
    })
    const summary = byName.get('rpc_seconds')!
    if (summary.data.type !== 'summary') throw new Error('type')
    expect(summary.data.dataPoints[0]).toMatchObject({ count: 1000n, sum: 12.5, quantileValues: [{ quantile: 0.5, value: 0.01 }, { quantile: 0.99, value: 0.2 }] })
    expect(byName.get('temperature')!.data.type).toBe('gauge')
    expect(byName.get('some_untyped')!.data.type).toBe('gauge')
  })

  it('rejects a histogram whose cumulative buckets decrease', () => {
    const parsed = parseExposition('# TYPE h histogram\nh_bucket{le="1"} 5\nh_bucket{le="+Inf"} 3\nh_count 3\nh_sum 1\n')
    if (!parsed.ok) throw new Error('parse')
    expect(familiesToMetrics(parsed.value, 0n, 0n)).toMatchObject({ metrics: [], invalid: 1 })
  })
})
