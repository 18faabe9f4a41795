/**
 * Prometheus families → OTLP metrics, as the OpenTelemetry Prometheus receiver maps them:
 *   counter   → Sum, monotonic, cumulative (named as exposed, e.g. http_requests_total)
 *   gauge     → Gauge;  untyped → Gauge
 *   histogram → Histogram, cumulative: the `le` buckets become explicit bounds (+Inf dropped)
 *               and per-bucket counts (differences of the cumulative `_bucket` counts)
 *   summary   → Summary: `quantile` labels become quantile values, with `_sum` and `_count`
 * Labels become data-point attributes. Cumulative points start at `startTimeNs` (the first
 * scrape of the target by this agent). A histogram whose buckets are not monotonic is invalid
 * and skipped (counted by the caller through the returned `invalid`).
 */
import type { HistogramDataPoint, KeyValue, Metric, NumberDataPoint, SummaryDataPoint } from '@periscope/model'
import { Temporality } from '@periscope/model'
import type { MetricFamily, Sample } from './exposition-parser.ts'

function attributesOf(labels: Record<string, string>, omit?: string): KeyValue[] {
  const out: KeyValue[] = []
  for (const key of Object.keys(labels).sort()) {
    if (key === omit) continue
    out.push({ key, value: { type: 'string', value: labels[key]! } })
  }
  return out
}

function seriesKey(labels: Record<string, string>, omit: string): string {
  return Object.keys(labels)
    .filter((k) => k !== omit)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001')
}

function timeOf(sample: Sample, scrapeTimeNs: bigint): bigint {
  return sample.timestampMs === undefined ? scrapeTimeNs : BigInt(sample.timestampMs) * 1_000_000n
}

function numberPoint(sample: Sample, startTimeNs: bigint, scrapeTimeNs: bigint, cumulative: boolean): NumberDataPoint {
  return {
    attributes: attributesOf(sample.labels),
    startTimeUnixNano: cumulative ? startTimeNs : 0n,
    timeUnixNano: timeOf(sample, scrapeTimeNs),
    value: { type: 'double', value: sample.value },
    exemplars: [],
    flags: 0,
  }
}

function histogramPoints(family: MetricFamily, startTimeNs: bigint, scrapeTimeNs: bigint): { points: HistogramDataPoint[]; invalid: number } {
  const series = new Map<string, { labels: Record<string, string>; buckets: Array<[number, number]>; sum: number | null; count: number | null; time: bigint }>()
  for (const sample of family.samples) {
    const key = seriesKey(sample.labels, 'le')
    let s = series.get(key)
    if (!s) {
      s = { labels: sample.labels, buckets: [], sum: null, count: null, time: timeOf(sample, scrapeTimeNs) }
      series.set(key, s)
    }
    if (sample.name === `${family.name}_bucket`) {
      const le = sample.labels['le'] === '+Inf' ? Number.POSITIVE_INFINITY : Number(sample.labels['le'])
      if (sample.labels['le'] !== undefined && !Number.isNaN(le)) s.buckets.push([le, sample.value])
    } else if (sample.name === `${family.name}_sum`) s.sum = sample.value
    else if (sample.name === `${family.name}_count`) s.count = sample.value
  }
  const points: HistogramDataPoint[] = []
  let invalid = 0
  for (const s of series.values()) {
    s.buckets.sort((a, b) => a[0] - b[0])
    const bounds: number[] = []
    const counts: bigint[] = []
    let previous = 0
    let ok = true
    for (const [le, cumulative] of s.buckets) {
      if (cumulative < previous) ok = false
      if (Number.isFinite(le)) bounds.push(le)
      counts.push(BigInt(Math.round(cumulative - previous)))
      previous = cumulative
    }
    const total = s.count ?? previous
    if (!s.buckets.length || s.buckets[s.buckets.length - 1]![0] !== Number.POSITIVE_INFINITY) {
      // no +Inf bucket: the overflow is what _count has beyond the last bound
      counts.push(BigInt(Math.max(0, Math.round(total - previous))))
    }
    if (!ok || counts.length !== bounds.length + 1) {
      invalid++
      continue
    }
    points.push({
      attributes: attributesOf(s.labels, 'le'),
      startTimeUnixNano: startTimeNs,
      timeUnixNano: s.time,
      count: BigInt(Math.round(total)),
      sum: s.sum,
      bucketCounts: counts,
      explicitBounds: bounds,
      exemplars: [],
      flags: 0,
      min: null,
      max: null,
    })
  }
  return { points, invalid }
}

function summaryPoints(family: MetricFamily, startTimeNs: bigint, scrapeTimeNs: bigint): SummaryDataPoint[] {
  const series = new Map<string, SummaryDataPoint>()
  for (const sample of family.samples) {
    const key = seriesKey(sample.labels, 'quantile')
    let point = series.get(key)
    if (!point) {
      point = {
        attributes: attributesOf(sample.labels, 'quantile'),
        startTimeUnixNano: startTimeNs,
        timeUnixNano: timeOf(sample, scrapeTimeNs),
        count: 0n,
        sum: 0,
        quantileValues: [],
        flags: 0,
      }
      series.set(key, point)
    }
    if (sample.name === `${family.name}_sum`) point.sum = sample.value
    else if (sample.name === `${family.name}_count`) point.count = BigInt(Math.round(sample.value))
    else if (sample.labels['quantile'] !== undefined) point.quantileValues.push({ quantile: Number(sample.labels['quantile']), value: sample.value })
  }
  for (const point of series.values()) point.quantileValues.sort((a, b) => a.quantile - b.quantile)
  return [...series.values()]
}

export function familiesToMetrics(families: readonly MetricFamily[], startTimeNs: bigint, scrapeTimeNs: bigint): { metrics: Metric[]; invalid: number } {
  const metrics: Metric[] = []
  let invalid = 0
  for (const family of families) {
    const base = { description: family.help, unit: '', metadata: [] }
    switch (family.type) {
      case 'counter': {
        // one metric per exposed sample name (x_total; x_created is the start time, not a series)
        const byName = new Map<string, NumberDataPoint[]>()
        for (const sample of family.samples) {
          if (sample.name.endsWith('_created')) continue
          const points = byName.get(sample.name) ?? []
          points.push(numberPoint(sample, startTimeNs, scrapeTimeNs, true))
          byName.set(sample.name, points)
        }
        for (const [name, dataPoints] of byName) {
          metrics.push({ ...base, name, data: { type: 'sum', dataPoints, aggregationTemporality: Temporality.CUMULATIVE, isMonotonic: true } })
        }
        break
      }
      case 'histogram': {
        const { points, invalid: bad } = histogramPoints(family, startTimeNs, scrapeTimeNs)
        invalid += bad
        if (points.length) metrics.push({ ...base, name: family.name, data: { type: 'histogram', dataPoints: points, aggregationTemporality: Temporality.CUMULATIVE } })
        break
      }
      case 'summary':
        metrics.push({ ...base, name: family.name, data: { type: 'summary', dataPoints: summaryPoints(family, startTimeNs, scrapeTimeNs) } })
        break
      default: {
        const byName = new Map<string, NumberDataPoint[]>()
        for (const sample of family.samples) {
          const points = byName.get(sample.name) ?? []
          points.push(numberPoint(sample, startTimeNs, scrapeTimeNs, false))
          byName.set(sample.name, points)
        }
        for (const [name, dataPoints] of byName) metrics.push({ ...base, name, data: { type: 'gauge', dataPoints } })
      }
    }
  }
  return { metrics, invalid }
}
