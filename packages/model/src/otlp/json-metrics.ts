/** ExportMetricsServiceRequest: OTLP/JSON (parsed) <-> in-memory MetricsRequest. */
import {
  arr,
  at,
  bool,
  dbl,
  enumOf,
  fail,
  hexId,
  i32,
  keyValues,
  numberValue,
  obj,
  optDbl,
  resource,
  scope,
  str,
  u32,
  u64,
  type JsonObject,
} from './json-common.ts'
import { jsonDouble, keyValuesToJson, numberValueToJson, resourceToJson, scopeToJson, setHex, setJ } from './json-encode-common.ts'
import type {
  Exemplar,
  ExponentialBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  KeyValue,
  Metric,
  MetricData,
  MetricsRequest,
  NumberDataPoint,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
} from './types.ts'

export const TEMPORALITY_NAMES: Readonly<Record<string, number>> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
}

function item(v: unknown, path: string, key: string): JsonObject {
  const o = obj(v, path, key)
  if (o === null) fail(path, key, 'expected an object')
  return o
}

function u64List(v: unknown, path: string, key: string): bigint[] {
  const list = arr(v, path, key)
  const out: bigint[] = new Array(list.length)
  for (let i = 0; i < list.length; i++) out[i] = u64(list[i], path, `${key}[${i}]`)
  return out
}

function doubleList(v: unknown, path: string, key: string): number[] {
  const list = arr(v, path, key)
  const out: number[] = new Array(list.length)
  for (let i = 0; i < list.length; i++) {
    const x = list[i]
    out[i] = typeof x === 'number' ? x : dbl(x, path, `${key}[${i}]`)
  }
  return out
}

function exemplars(v: unknown, path: string): Exemplar[] {
  const list = arr(v, path, 'exemplars')
  if (list.length === 0) return []
  return list.map((x, i) => {
    const p = at(path, `exemplars[${i}]`)
    const o = item(x, p, '')
    return {
      filteredAttributes: keyValues(o.filteredAttributes, p, 'filteredAttributes'),
      timeUnixNano: u64(o.timeUnixNano, p, 'timeUnixNano'),
      value: numberValue(o, p),
      spanId: hexId(o.spanId, p, 'spanId'),
      traceId: hexId(o.traceId, p, 'traceId'),
    }
  })
}

interface PointBase {
  attributes: KeyValue[]
  startTimeUnixNano: bigint
  timeUnixNano: bigint
  flags: number
}

function pointBase(o: JsonObject, p: string): PointBase {
  return {
    attributes: keyValues(o.attributes, p, 'attributes'),
    startTimeUnixNano: u64(o.startTimeUnixNano, p, 'startTimeUnixNano'),
    timeUnixNano: u64(o.timeUnixNano, p, 'timeUnixNano'),
    flags: u32(o.flags, p, 'flags'),
  }
}

function numberPoint(o: JsonObject, p: string): NumberDataPoint {
  const b = pointBase(o, p)
  return {
    attributes: b.attributes,
    startTimeUnixNano: b.startTimeUnixNano,
    timeUnixNano: b.timeUnixNano,
    value: numberValue(o, p),
    exemplars: exemplars(o.exemplars, p),
    flags: b.flags,
  }
}

function histogramPoint(o: JsonObject, p: string): HistogramDataPoint {
  const b = pointBase(o, p)
  return {
    attributes: b.attributes,
    startTimeUnixNano: b.startTimeUnixNano,
    timeUnixNano: b.timeUnixNano,
    count: u64(o.count, p, 'count'),
    sum: optDbl(o.sum, p, 'sum'),
    bucketCounts: u64List(o.bucketCounts, p, 'bucketCounts'),
    explicitBounds: doubleList(o.explicitBounds, p, 'explicitBounds'),
    exemplars: exemplars(o.exemplars, p),
    flags: b.flags,
    min: optDbl(o.min, p, 'min'),
    max: optDbl(o.max, p, 'max'),
  }
}

function buckets(v: unknown, path: string, key: string): ExponentialBuckets | null {
  const o = obj(v, path, key)
  if (o === null) return null
  const p = at(path, key)
  return { offset: i32(o.offset, p, 'offset'), bucketCounts: u64List(o.bucketCounts, p, 'bucketCounts') }
}

function expHistogramPoint(o: JsonObject, p: string): ExponentialHistogramDataPoint {
  const b = pointBase(o, p)
  return {
    attributes: b.attributes,
    startTimeUnixNano: b.startTimeUnixNano,
    timeUnixNano: b.timeUnixNano,
    count: u64(o.count, p, 'count'),
    sum: optDbl(o.sum, p, 'sum'),
    scale: i32(o.scale, p, 'scale'),
    zeroCount: u64(o.zeroCount, p, 'zeroCount'),
    positive: buckets(o.positive, p, 'positive'),
    negative: buckets(o.negative, p, 'negative'),
    flags: b.flags,
    exemplars: exemplars(o.exemplars, p),
    min: optDbl(o.min, p, 'min'),
    max: optDbl(o.max, p, 'max'),
    zeroThreshold: dbl(o.zeroThreshold, p, 'zeroThreshold'),
  }
}

function summaryPoint(o: JsonObject, p: string): SummaryDataPoint {
  const b = pointBase(o, p)
  return {
    attributes: b.attributes,
    startTimeUnixNano: b.startTimeUnixNano,
    timeUnixNano: b.timeUnixNano,
    count: u64(o.count, p, 'count'),
    sum: dbl(o.sum, p, 'sum'),
    quantileValues: arr(o.quantileValues, p, 'quantileValues').map((x, i) => {
      const qp = at(p, `quantileValues[${i}]`)
      const q = item(x, qp, '')
      return { quantile: dbl(q.quantile, qp, 'quantile'), value: dbl(q.value, qp, 'value') }
    }),
    flags: b.flags,
  }
}

function points<T>(data: JsonObject, p: string, read: (o: JsonObject, p: string) => T): T[] {
  const list = arr(data.dataPoints, p, 'dataPoints')
  const out: T[] = new Array(list.length)
  for (let i = 0; i < list.length; i++) {
    const dp = `${p}.dataPoints[${i}]`
    out[i] = read(item(list[i], dp, ''), dp)
  }
  return out
}

function dataFromJson(m: JsonObject, p: string): MetricData {
  let d: JsonObject | null
  if ((d = obj(m.gauge, p, 'gauge')) !== null) return { type: 'gauge', dataPoints: points(d, at(p, 'gauge'), numberPoint) }
  if ((d = obj(m.sum, p, 'sum')) !== null) {
    const sp = at(p, 'sum')
    return {
      type: 'sum',
      dataPoints: points(d, sp, numberPoint),
      aggregationTemporality: enumOf(d.aggregationTemporality, sp, 'aggregationTemporality', TEMPORALITY_NAMES),
      isMonotonic: bool(d.isMonotonic, sp, 'isMonotonic'),
    }
  }
  if ((d = obj(m.histogram, p, 'histogram')) !== null) {
    const hp = at(p, 'histogram')
    return {
      type: 'histogram',
      dataPoints: points(d, hp, histogramPoint),
      aggregationTemporality: enumOf(d.aggregationTemporality, hp, 'aggregationTemporality', TEMPORALITY_NAMES),
    }
  }
  if ((d = obj(m.exponentialHistogram, p, 'exponentialHistogram')) !== null) {
    const hp = at(p, 'exponentialHistogram')
    return {
      type: 'exponentialHistogram',
      dataPoints: points(d, hp, expHistogramPoint),
      aggregationTemporality: enumOf(d.aggregationTemporality, hp, 'aggregationTemporality', TEMPORALITY_NAMES),
    }
  }
  if ((d = obj(m.summary, p, 'summary')) !== null) return { type: 'summary', dataPoints: points(d, at(p, 'summary'), summaryPoint) }
  return { type: 'none' }
}

export function metricsFromJson(root: unknown): MetricsRequest {
  const top = obj(root, '', '')
  if (top === null) fail('', '', 'expected an ExportMetricsServiceRequest object')
  const rms = arr(top.resourceMetrics, '', 'resourceMetrics')
  const resourceMetrics: ResourceMetrics[] = new Array(rms.length)
  for (let i = 0; i < rms.length; i++) {
    const rp = `resourceMetrics[${i}]`
    const rm = item(rms[i], rp, '')
    const sms = arr(rm.scopeMetrics, rp, 'scopeMetrics')
    const scopeMetrics: ScopeMetrics[] = new Array(sms.length)
    for (let j = 0; j < sms.length; j++) {
      const sp = `${rp}.scopeMetrics[${j}]`
      const sm = item(sms[j], sp, '')
      const metrics: Metric[] = arr(sm.metrics, sp, 'metrics').map((x, k) => {
        const p = `${sp}.metrics[${k}]`
        const m = item(x, p, '')
        return {
          name: str(m.name, p, 'name'),
          description: str(m.description, p, 'description'),
          unit: str(m.unit, p, 'unit'),
          data: dataFromJson(m, p),
          metadata: keyValues(m.metadata, p, 'metadata'),
        }
      })
      scopeMetrics[j] = { scope: scope(sm.scope, sp, 'scope'), metrics, schemaUrl: str(sm.schemaUrl, sp, 'schemaUrl') }
    }
    resourceMetrics[i] = { resource: resource(rm.resource, rp, 'resource'), scopeMetrics, schemaUrl: str(rm.schemaUrl, rp, 'schemaUrl') }
  }
  return { resourceMetrics }
}

// ---- to OTLP/JSON ----------------------------------------------------------------------------

function exemplarsToJson(list: Exemplar[]): JsonObject[] {
  return list.map((e) => {
    const o: JsonObject = { filteredAttributes: keyValuesToJson(e.filteredAttributes) }
    setJ(o, 'timeUnixNano', e.timeUnixNano)
    numberValueToJson(o, e.value)
    setHex(o, 'spanId', e.spanId)
    setHex(o, 'traceId', e.traceId)
    return o
  })
}

function pointBaseToJson(p: PointBase): JsonObject {
  const o: JsonObject = { attributes: keyValuesToJson(p.attributes) }
  setJ(o, 'startTimeUnixNano', p.startTimeUnixNano)
  setJ(o, 'timeUnixNano', p.timeUnixNano)
  setJ(o, 'flags', p.flags)
  return o
}

function optional(o: JsonObject, field: string, v: number | null): void {
  if (v !== null) o[field] = jsonDouble(v)
}

function numberPointToJson(p: NumberDataPoint): JsonObject {
  const o = pointBaseToJson(p)
  numberValueToJson(o, p.value)
  if (p.exemplars.length !== 0) o.exemplars = exemplarsToJson(p.exemplars)
  return o
}

function histogramPointToJson(p: HistogramDataPoint): JsonObject {
  const o = pointBaseToJson(p)
  setJ(o, 'count', p.count)
  optional(o, 'sum', p.sum)
  if (p.bucketCounts.length !== 0) o.bucketCounts = p.bucketCounts.map(String)
  if (p.explicitBounds.length !== 0) o.explicitBounds = p.explicitBounds.map(jsonDouble)
  if (p.exemplars.length !== 0) o.exemplars = exemplarsToJson(p.exemplars)
  optional(o, 'min', p.min)
  optional(o, 'max', p.max)
  return o
}

function bucketsToJson(b: ExponentialBuckets): JsonObject {
  const o: JsonObject = {}
  setJ(o, 'offset', b.offset)
  if (b.bucketCounts.length !== 0) o.bucketCounts = b.bucketCounts.map(String)
  return o
}

function expHistogramPointToJson(p: ExponentialHistogramDataPoint): JsonObject {
  const o = pointBaseToJson(p)
  setJ(o, 'count', p.count)
  optional(o, 'sum', p.sum)
  setJ(o, 'scale', p.scale)
  setJ(o, 'zeroCount', p.zeroCount)
  if (p.positive !== null) o.positive = bucketsToJson(p.positive)
  if (p.negative !== null) o.negative = bucketsToJson(p.negative)
  if (p.exemplars.length !== 0) o.exemplars = exemplarsToJson(p.exemplars)
  optional(o, 'min', p.min)
  optional(o, 'max', p.max)
  setJ(o, 'zeroThreshold', p.zeroThreshold)
  return o
}

function summaryPointToJson(p: SummaryDataPoint): JsonObject {
  const o = pointBaseToJson(p)
  setJ(o, 'count', p.count)
  setJ(o, 'sum', p.sum)
  if (p.quantileValues.length !== 0) {
    o.quantileValues = p.quantileValues.map((q) => {
      const qo: JsonObject = {}
      setJ(qo, 'quantile', q.quantile)
      setJ(qo, 'value', q.value)
      return qo
    })
  }
  return o
}

function metricToJson(m: Metric): JsonObject {
  const o: JsonObject = {}
  setJ(o, 'name', m.name)
  setJ(o, 'description', m.description)
  setJ(o, 'unit', m.unit)
  const d = m.data
  switch (d.type) {
    case 'gauge':
      o.gauge = { dataPoints: d.dataPoints.map(numberPointToJson) }
      break
    case 'sum': {
      const s: JsonObject = { dataPoints: d.dataPoints.map(numberPointToJson) }
      setJ(s, 'aggregationTemporality', d.aggregationTemporality)
      setJ(s, 'isMonotonic', d.isMonotonic)
      o.sum = s
      break
    }
    case 'histogram': {
      const h: JsonObject = { dataPoints: d.dataPoints.map(histogramPointToJson) }
      setJ(h, 'aggregationTemporality', d.aggregationTemporality)
      o.histogram = h
      break
    }
    case 'exponentialHistogram': {
      const h: JsonObject = { dataPoints: d.dataPoints.map(expHistogramPointToJson) }
      setJ(h, 'aggregationTemporality', d.aggregationTemporality)
      o.exponentialHistogram = h
      break
    }
    case 'summary':
      o.summary = { dataPoints: d.dataPoints.map(summaryPointToJson) }
      break
    case 'none':
      break
  }
  if (m.metadata.length !== 0) o.metadata = keyValuesToJson(m.metadata)
  return o
}

export function metricsToJson(req: MetricsRequest): JsonObject {
  return {
    resourceMetrics: req.resourceMetrics.map((rm) => {
      const o: JsonObject = {}
      const r = resourceToJson(rm.resource)
      if (r !== undefined) o.resource = r
      o.scopeMetrics = rm.scopeMetrics.map((sm) => {
        const so: JsonObject = {}
        const sc = scopeToJson(sm.scope)
        if (sc !== undefined) so.scope = sc
        so.metrics = sm.metrics.map(metricToJson)
        setJ(so, 'schemaUrl', sm.schemaUrl)
        return so
      })
      setJ(o, 'schemaUrl', rm.schemaUrl)
      return o
    }),
  }
}
