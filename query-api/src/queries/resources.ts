/**
 * Saturation and utilization of a service, joined from host, pod and runtime metrics.
 *
 * 1. servingHostsQuery: the host.name / k8s.pod.name resource attributes of the service's entry
 *    spans in the last hour of the range (bounded by `maxHosts`; the last hour keeps the map
 *    scan small and names the hosts serving now).
 * 2. resourceSeriesQuery: gauges of those hosts and pods, per step:
 *    - `system.*` metrics of resources whose host.name is one of the hosts,
 *    - `k8s.*` / `container.*` metrics of resources whose k8s.pod.name is one of the pods,
 *    - any metric the service reports itself (ServiceName = service: process/runtime metrics).
 *    A point's value at one instant on one host/pod is the sum over its "busy" states (state,
 *    cpu.mode, system.cpu.state or system.memory.state among user, system, nice, interrupt,
 *    softirq, steal, wait, iowait, used; points without a state count fully) divided by the
 *    number of its other series (e.g. CPUs or devices) — so per-cpu-per-state CPU utilization
 *    reads as the busy fraction of the host, memory as the used fraction, and a plain gauge as
 *    itself. The series is the mean over hosts/pods and instants within each step.
 */
import type { SqlQuery } from '../sql/query-runner.ts'
import type { TimeRange } from '../time/time-range.ts'

export const HOSTS_WINDOW_NS = 3_600_000_000_000n

export interface ServingHostRow {
  host: string
  pod: string
}

export function servingHostsQuery(tenantId: string, service: string, range: TimeRange, maxHosts: number): SqlQuery {
  const fromNs = range.toNs - range.fromNs > HOSTS_WINDOW_NS ? range.toNs - HOSTS_WINDOW_NS : range.fromNs
  return {
    name: 'resources.hosts',
    sql: `SELECT DISTINCT ResourceAttributes['host.name'] AS host, ResourceAttributes['k8s.pod.name'] AS pod
FROM otel_traces
WHERE TenantId = {tenantId:String}
  AND ServiceName = {service:String}
  AND SpanKind IN ('SPAN_KIND_SERVER', 'SPAN_KIND_CONSUMER')
  AND Timestamp >= fromUnixTimestamp64Nano({fromNs:Int64}, 'UTC') AND Timestamp < fromUnixTimestamp64Nano({toNs:Int64}, 'UTC')
LIMIT {maxHosts:UInt32}`,
    params: { tenantId, service, fromNs: fromNs.toString(), toNs: range.toNs.toString(), maxHosts },
  }
}

export interface ResourceSeriesRow {
  metric: string
  /** bucket start, unix ms, as a decimal string */
  t: string
  value: number | string
}

const STATE = "concat(Attributes['state'], Attributes['cpu.mode'], Attributes['system.cpu.state'], Attributes['system.memory.state'])"
const STATE_KEYS = "('state', 'cpu.mode', 'system.cpu.state', 'system.memory.state')"
const BUSY = "('', 'user', 'system', 'nice', 'interrupt', 'softirq', 'steal', 'wait', 'iowait', 'used')"

export function resourceSeriesQuery(options: {
  tenantId: string
  service: string
  range: TimeRange
  stepMs: number
  metrics: readonly string[]
  hosts: readonly string[]
  pods: readonly string[]
}): SqlQuery {
  return {
    name: 'resources.series',
    sql: `SELECT MetricName AS metric, toString(T) AS t, avg(V) AS value
FROM
(
    SELECT MetricName,
           intDiv(toUInt64(toUnixTimestamp64Milli(TimeUnix)), {stepMs:UInt64}) * {stepMs:UInt64} AS T,
           ResourceAttributes['host.name'] AS Host, ResourceAttributes['k8s.pod.name'] AS Pod, TimeUnix,
           sumIf(Value, ${STATE} IN ${BUSY}) / greatest(uniqExact(mapFilter((k, v) -> k NOT IN ${STATE_KEYS}, Attributes)), 1) AS V
    FROM otel_metrics_gauge
    WHERE TenantId = {tenantId:String}
      AND MetricName IN {metrics:Array(String)}
      AND TimeUnix >= fromUnixTimestamp64Nano({fromNs:Int64}, 'UTC') AND TimeUnix < fromUnixTimestamp64Nano({toNs:Int64}, 'UTC')
      AND (ServiceName = {service:String}
        OR (startsWith(MetricName, 'system.') AND ResourceAttributes['host.name'] IN {hosts:Array(String)})
        OR ((startsWith(MetricName, 'k8s.') OR startsWith(MetricName, 'container.')) AND ResourceAttributes['k8s.pod.name'] IN {pods:Array(String)}))
    GROUP BY MetricName, T, Host, Pod, TimeUnix
)
WHERE isFinite(V)
GROUP BY MetricName, T
ORDER BY MetricName, T`,
    params: {
      tenantId: options.tenantId,
      service: options.service,
      metrics: [...options.metrics],
      hosts: [...options.hosts],
      pods: [...options.pods],
      fromNs: options.range.fromNs.toString(),
      toNs: options.range.toNs.toString(),
      stepMs: options.stepMs,
    },
  }
}
