/**
 * SQL the evaluator needs beyond the golden signals and SLI counts:
 * - error-log counts per service over a window, from the per-minute log_counts_1m with raw
 *   otel_logs at the partial-minute edges (exact at any instant, like the signals);
 * - example traces for a notification: the newest failing (or slow) entry spans of a service in
 *   the window that fired, or the newest error logs' traces.
 */
import type { SqlQuery } from '../sql/query-runner.ts'
import { ceilMinuteNs, floorMinuteNs } from '../slo/sli-query.ts'

const ts = (name: string) => `fromUnixTimestamp64Nano({${name}:Int64}, 'UTC')`

export function errorLogCountsQuery(options: { tenantId: string; fromNs: bigint; toNs: bigint; minSeverity: number; service?: string | undefined; limit: number }): SqlQuery {
  let rollupFromNs = ceilMinuteNs(options.fromNs)
  let rollupToNs = floorMinuteNs(options.toNs)
  if (rollupFromNs >= rollupToNs) rollupFromNs = rollupToNs = options.toNs
  const service = options.service !== undefined ? ' AND ServiceName = {service:String}' : ''
  const sql = `SELECT service, sum(Count) AS count
FROM
(
    SELECT toString(ServiceName) AS service, sum(Count) AS Count
    FROM log_counts_1m
    WHERE TenantId = {tenantId:String} AND SeverityNumber >= {minSeverity:UInt8}${service}
      AND Minute >= toDateTime({rollupFromS:UInt32}, 'UTC') AND Minute < toDateTime({rollupToS:UInt32}, 'UTC')
    GROUP BY service
    UNION ALL
    SELECT toString(ServiceName) AS service, count() AS Count
    FROM otel_logs
    WHERE TenantId = {tenantId:String} AND SeverityNumber >= {minSeverity:UInt8}${service}
      AND ((Timestamp >= ${ts('fromNs')} AND Timestamp < ${ts('rollupFromNs')}) OR (Timestamp >= ${ts('rollupToNs')} AND Timestamp < ${ts('toNs')}))
    GROUP BY service
)
GROUP BY service
ORDER BY count DESC, service
LIMIT {limit:UInt32}`
  return {
    name: 'alerts.error_logs',
    sql,
    params: {
      tenantId: options.tenantId,
      minSeverity: options.minSeverity,
      fromNs: options.fromNs.toString(),
      toNs: options.toNs.toString(),
      rollupFromNs: rollupFromNs.toString(),
      rollupToNs: rollupToNs.toString(),
      rollupFromS: Number(rollupFromNs / 1_000_000_000n),
      rollupToS: Number(rollupToNs / 1_000_000_000n),
      limit: options.limit,
      ...(options.service !== undefined ? { service: options.service } : {}),
    },
  }
}

export interface ExampleTracesOptions {
  readonly tenantId: string
  readonly service: string
  /** '' = any operation */
  readonly operation: string
  readonly fromNs: bigint
  readonly toNs: bigint
  /** 'error': failed requests; 'slow': requests above thresholdNs; 'error_logs': traces of error logs */
  readonly kind: 'error' | 'slow' | 'error_logs'
  readonly thresholdNs?: number
  readonly minSeverity?: number
  readonly limit: number
}

export function exampleTracesQuery(options: ExampleTracesOptions): SqlQuery {
  const params: Record<string, unknown> = {
    tenantId: options.tenantId,
    service: options.service,
    fromNs: options.fromNs.toString(),
    toNs: options.toNs.toString(),
    limit: options.limit,
  }
  if (options.kind === 'error_logs') {
    params.minSeverity = options.minSeverity ?? 17
    return {
      name: 'alerts.example_log_traces',
      sql: `SELECT TraceId AS traceId FROM otel_logs
WHERE TenantId = {tenantId:String} AND ServiceName = {service:String} AND SeverityNumber >= {minSeverity:UInt8} AND TraceId != ''
  AND Timestamp >= ${ts('fromNs')} AND Timestamp < ${ts('toNs')}
ORDER BY Timestamp DESC
LIMIT 1 BY TraceId
LIMIT {limit:UInt32}`,
      params,
    }
  }
  let condition = "StatusCode = 'STATUS_CODE_ERROR'"
  if (options.kind === 'slow') {
    condition = 'Duration > {thresholdNs:UInt64}'
    params.thresholdNs = Math.floor(options.thresholdNs ?? 0)
  }
  if (options.operation !== '') params.operation = options.operation
  return {
    name: `alerts.example_traces`,
    sql: `SELECT TraceId AS traceId FROM otel_traces
WHERE TenantId = {tenantId:String} AND ServiceName = {service:String}${options.operation !== '' ? ' AND SpanName = {operation:String}' : ''}
  AND SpanKind IN ('SPAN_KIND_SERVER', 'SPAN_KIND_CONSUMER') AND ${condition}
  AND Timestamp >= ${ts('fromNs')} AND Timestamp < ${ts('toNs')}
ORDER BY Timestamp DESC
LIMIT 1 BY TraceId
LIMIT {limit:UInt32}`,
    params,
  }
}
