/** ExportMetricsServiceRequest: protobufjs message objects <-> in-memory MetricsRequest. */
import {
  bytesFromPb,
  keyValuesFromPb,
  keyValuesToPb,
  numberValueFromPb,
  numberValueToPb,
  optionalDoubleFromPb,
  resourceFromPb,
  resourceToPb,
  scopeFromPb,
  scopeToPb,
  setIf,
  toLong,
  u64,
  type LongLike,
  type PbObject,
} from './pb-common.ts'
import type {
  Exemplar,
  ExponentialBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricData,
  MetricsRequest,
  NumberDataPoint,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
} from './types.ts'

const hasOwn = Object.prototype.hasOwnProperty

function u64List(list: (LongLike | number)[]): bigint[] {
  const out: bigint[] = new Array(list.length)
  for (let i = 0; i < list.length; i++) out[i] = u64(list[i]!)
  return out
}

function exemplarsFromPb(list: PbObject[]): Exemplar[] {
  if (list.length === 0) return []
  return list.map((m) => ({
    filteredAttributes: keyValuesFromPb(m.filteredAttributes as PbObject[]),
    timeUnixNano: u64(m.timeUnixNano as LongLike),
    value: numberValueFromPb(m),
    spanId: bytesFromPb(m, 'spanId'),
    traceId: bytesFromPb(m, 'traceId'),
  }))
}

function numberPointFromPb(m: PbObject): NumberDataPoint {
  return {
    attributes: keyValuesFromPb(m.attributes as PbObject[]),
    startTimeUnixNano: u64(m.startTimeUnixNano as LongLike),
    timeUnixNano: u64(m.timeUnixNano as LongLike),
    value: numberValueFromPb(m),
    exemplars: exemplarsFromPb(m.exemplars as PbObject[]),
    flags: m.flags as number,
  }
}

function histogramPointFromPb(m: PbObject): HistogramDataPoint {
  return {
    attributes: keyValuesFromPb(m.attributes as PbObject[]),
    startTimeUnixNano: u64(m.startTimeUnixNano as LongLike),
    timeUnixNano: u64(m.timeUnixNano as LongLike),
    count: u64(m.count as LongLike),
    sum: optionalDoubleFromPb(m, 'sum'),
    bucketCounts: u64List(m.bucketCounts as LongLike[]),
    explicitBounds: (m.explicitBounds as number[]).slice(),
    exemplars: exemplarsFromPb(m.exemplars as PbObject[]),
    flags: m.flags as number,
    min: optionalDoubleFromPb(m, 'min'),
    max: optionalDoubleFromPb(m, 'max'),
  }
}

function bucketsFromPb(m: PbObject | null): ExponentialBuckets | null {
  if (m == null) return null
  return { offset: m.offset as number, bucketCounts: u64List(m.bucketCounts as LongLike[]) }
}

function expHistogramPointFromPb(m: PbObject): ExponentialHistogramDataPoint {
  return {
    attributes: keyValuesFromPb(m.attributes as PbObject[]),
    startTimeUnixNano: u64(m.startTimeUnixNano as LongLike),
    timeUnixNano: u64(m.timeUnixNano as LongLike),
    count: u64(m.count as LongLike),
    sum: optionalDoubleFromPb(m, 'sum'),
    scale: m.scale as number,
    zeroCount: u64(m.zeroCount as LongLike),
    positive: bucketsFromPb(hasOwn.call(m, 'positive') ? (m.positive as PbObject) : null),
    negative: bucketsFromPb(hasOwn.call(m, 'negative') ? (m.negative as PbObject) : null),
    flags: m.flags as number,
    exemplars: exemplarsFromPb(m.exemplars as PbObject[]),
    min: optionalDoubleFromPb(m, 'min'),
    max: optionalDoubleFromPb(m, 'max'),
    zeroThreshold: m.zeroThreshold as number,
  }
}

function summaryPointFromPb(m: PbObject): SummaryDataPoint {
  return {
    attributes: keyValuesFromPb(m.attributes as PbObject[]),
    startTimeUnixNano: u64(m.startTimeUnixNano as LongLike),
    timeUnixNano: u64(m.timeUnixNano as LongLike),
    count: u64(m.count as LongLike),
    sum: m.sum as number,
    quantileValues: (m.quantileValues as PbObject[]).map((q) => ({ quantile: q.quantile as number, value: q.value as number })),
    flags: m.flags as number,
  }
}

function dataFromPb(m: PbObject): MetricData {
  if (hasOwn.call(m, 'gauge')) {
    return { type: 'gauge', dataPoints: ((m.gauge as PbObject).dataPoints as PbObject[]).map(numberPointFromPb) }
  }
  if (hasOwn.call(m, 'sum')) {
    const s = m.sum as PbObject
    return {
      type: 'sum',
      dataPoints: (s.dataPoints as PbObject[]).map(numberPointFromPb),
      aggregationTemporality: s.aggregationTemporality as number,
      isMonotonic: s.isMonotonic as boolean,
    }
  }
  if (hasOwn.call(m, 'histogram')) {
    const h = m.histogram as PbObject
    return {
      type: 'histogram',
      dataPoints: (h.dataPoints as PbObject[]).map(histogramPointFromPb),
      aggregationTemporality: h.aggregationTemporality as number,
    }
  }
  if (hasOwn.call(m, 'exponentialHistogram')) {
    const h = m.exponentialHistogram as PbObject
    return {
      type: 'exponentialHistogram',
      dataPoints: (h.dataPoints as PbObject[]).map(expHistogramPointFromPb),
      aggregationTemporality: h.aggregationTemporality as number,
    }
  }
  if (hasOwn.call(m, 'summary')) {
    return { type: 'summary', dataPoints: ((m.summary as PbObject).dataPoints as PbObject[]).map(summaryPointFromPb) }
  }
  return { type: 'none' }
}

export function metricsFromPb(m: PbObject): MetricsRequest {
  const rms = m.resourceMetrics as PbObject[]
  const resourceMetrics: ResourceMetrics[] = new Array(rms.length)
  for (let i = 0; i < rms.length; i++) {
    const rm = rms[i]!
    const sms = rm.scopeMetrics as PbObject[]
    const scopeMetrics: ScopeMetrics[] = new Array(sms.length)
    for (let j = 0; j < sms.length; j++) {
      const sm = sms[j]!
      const metrics: Metric[] = (sm.metrics as PbObject[]).map((x) => ({
        name: x.name as string,
        description: x.description as string,
        unit: x.unit as string,
        data: dataFromPb(x),
        metadata: keyValuesFromPb(x.metadata as PbObject[]),
      }))
      scopeMetrics[j] = { scope: scopeFromPb(sm.scope as PbObject | null), metrics, schemaUrl: sm.schemaUrl as string }
    }
    resourceMetrics[i] = { resource: resourceFromPb(rm.resource as PbObject | null), scopeMetrics, schemaUrl: rm.schemaUrl as string }
  }
  return { resourceMetrics }
}

// ---- to protobufjs objects -------------------------------------------------------------------

function exemplarsToPb(list: Exemplar[]): PbObject[] {
  return list.map((e) => {
    const o: PbObject = { filteredAttributes: keyValuesToPb(e.filteredAttributes) }
    setIf(o, 'timeUnixNano', e.timeUnixNano)
    numberValueToPb(o, e.value)
    setIf(o, 'spanId', e.spanId)
    setIf(o, 'traceId', e.traceId)
    return o
  })
}

function pointBase(p: { attributes: Metric['metadata']; startTimeUnixNano: bigint; timeUnixNano: bigint; flags: number }): PbObject {
  const o: PbObject = { attributes: keyValuesToPb(p.attributes) }
  setIf(o, 'startTimeUnixNano', p.startTimeUnixNano)
  setIf(o, 'timeUnixNano', p.timeUnixNano)
  setIf(o, 'flags', p.flags)
  return o
}

function numberPointToPb(p: NumberDataPoint): PbObject {
  const o = pointBase(p)
  numberValueToPb(o, p.value)
  if (p.exemplars.length !== 0) o.exemplars = exemplarsToPb(p.exemplars)
  return o
}

function optional(o: PbObject, field: string, v: number | null): void {
  if (v !== null) o[field] = v
}

function histogramPointToPb(p: HistogramDataPoint): PbObject {
  const o = pointBase(p)
  setIf(o, 'count', p.count)
  optional(o, 'sum', p.sum)
  if (p.bucketCounts.length !== 0) o.bucketCounts = p.bucketCounts.map(toLong)
  if (p.explicitBounds.length !== 0) o.explicitBounds = p.explicitBounds
  if (p.exemplars.length !== 0) o.exemplars = exemplarsToPb(p.exemplars)
  optional(o, 'min', p.min)
  optional(o, 'max', p.max)
  return o
}

function bucketsToPb(b: ExponentialBuckets): PbObject {
  const o: PbObject = {}
  setIf(o, 'offset', b.offset)
  if (b.bucketCounts.length !== 0) o.bucketCounts = b.bucketCounts.map(toLong)
  return o
}

function expHistogramPointToPb(p: ExponentialHistogramDataPoint): PbObject {
  const o = pointBase(p)
  setIf(o, 'count', p.count)
  optional(o, 'sum', p.sum)
  setIf(o, 'scale', p.scale)
  setIf(o, 'zeroCount', p.zeroCount)
  if (p.positive !== null) o.positive = bucketsToPb(p.positive)
  if (p.negative !== null) o.negative = bucketsToPb(p.negative)
  if (p.exemplars.length !== 0) o.exemplars = exemplarsToPb(p.exemplars)
  optional(o, 'min', p.min)
  optional(o, 'max', p.max)
  setIf(o, 'zeroThreshold', p.zeroThreshold)
  return o
}

function summaryPointToPb(p: SummaryDataPoint): PbObject {
  const o = pointBase(p)
  setIf(o, 'count', p.count)
  setIf(o, 'sum', p.sum)
  if (p.quantileValues.length !== 0) {
    o.quantileValues = p.quantileValues.map((q) => {
      const qo: PbObject = {}
      setIf(qo, 'quantile', q.quantile)
      setIf(qo, 'value', q.value)
      return qo
    })
  }
  return o
}

function metricToPb(m: Metric): PbObject {
  const o: PbObject = {}
  setIf(o, 'name', m.name)
  setIf(o, 'description', m.description)
  setIf(o, 'unit', m.unit)
  if (m.metadata.length !== 0) o.metadata = keyValuesToPb(m.metadata)
  const d = m.data
  switch (d.type) {
    case 'gauge':
      o.gauge = { dataPoints: d.dataPoints.map(numberPointToPb) }
      break
    case 'sum': {
      const s: PbObject = { dataPoints: d.dataPoints.map(numberPointToPb) }
      setIf(s, 'aggregationTemporality', d.aggregationTemporality)
      setIf(s, 'isMonotonic', d.isMonotonic)
      o.sum = s
      break
    }
    case 'histogram': {
      const h: PbObject = { dataPoints: d.dataPoints.map(histogramPointToPb) }
      setIf(h, 'aggregationTemporality', d.aggregationTemporality)
      o.histogram = h
      break
    }
    case 'exponentialHistogram': {
      const h: PbObject = { dataPoints: d.dataPoints.map(expHistogramPointToPb) }
      setIf(h, 'aggregationTemporality', d.aggregationTemporality)
      o.exponentialHistogram = h
      break
    }
    case 'summary':
      o.summary = { dataPoints: d.dataPoints.map(summaryPointToPb) }
      break
    case 'none':
      break
  }
  return o
}

export function metricsToPb(req: MetricsRequest): PbObject {
  return {
    resourceMetrics: req.resourceMetrics.map((rm) => {
      const o: PbObject = {
        scopeMetrics: rm.scopeMetrics.map((sm) => {
          const so: PbObject = { metrics: sm.metrics.map(metricToPb) }
          const scope = scopeToPb(sm.scope)
          if (scope !== undefined) so.scope = scope
          setIf(so, 'schemaUrl', sm.schemaUrl)
          return so
        }),
      }
      const resource = resourceToPb(rm.resource)
      if (resource !== undefined) o.resource = resource
      setIf(o, 'schemaUrl', rm.schemaUrl)
      return o
    }),
  }
}
