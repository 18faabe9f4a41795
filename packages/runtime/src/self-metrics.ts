/**
 * A service's own metrics, exposed in Prometheus text format on /metrics. Each service gets its
 * own prom-client Registry (never the global default one, so two services in the all-in-one
 * process and parallel tests do not collide), with the process/runtime default metrics and a
 * `service` label on every series.
 *
 * Label names are declared when a metric is created and label values must come from bounded
 * sets (signal, outcome, status class, topic) — never ids, paths with ids, or messages.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export interface MetricOptions<L extends string> {
  /** snake_case with a unit suffix: periscope_collector_received_bytes_total, …_duration_seconds. */
  readonly name: string
  readonly help: string
  readonly labelNames?: readonly L[]
}

export interface HistogramOptions<L extends string> extends MetricOptions<L> {
  /** Upper bounds; defaults to prom-client's latency buckets (seconds). */
  readonly buckets?: readonly number[]
}

export interface GaugeOptions<L extends string> extends MetricOptions<L> {
  /** Called at scrape time to set the gauge (e.g. queue depth); keeps hot paths free of metric updates. */
  readonly collect?: (gauge: Gauge<L>) => void | Promise<void>
}

/** Counts kept elsewhere (e.g. the bus's counters), exposed as one counter with one label. */
export interface CountsOptions<L extends string> {
  readonly name: string
  readonly help: string
  /** the label whose value is each count's name */
  readonly labelName: L
  /** read at scrape time; each value only ever grows */
  readonly read: () => Readonly<Partial<Record<string, number>>>
}

export interface SelfMetrics {
  readonly registry: Registry
  counter<L extends string = never>(options: MetricOptions<L>): Counter<L>
  gauge<L extends string = never>(options: GaugeOptions<L>): Gauge<L>
  histogram<L extends string = never>(options: HistogramOptions<L>): Histogram<L>
  /** A counter whose values are read at scrape time from counts kept elsewhere. */
  counts<L extends string>(options: CountsOptions<L>): Counter<L>
  /** The exposition body for /metrics. */
  text(): Promise<string>
  /** The Content-Type for that body. */
  readonly contentType: string
}

export interface SelfMetricsOptions {
  readonly service: string
  /** Process and Node runtime metrics (CPU, RSS, heap, event-loop lag, GC); defaults to true. */
  readonly defaultMetrics?: boolean
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
/** Labels that by their nature take unbounded values. */
const UNBOUNDED_LABELS = new Set(['trace_id', 'span_id', 'traceid', 'spanid', 'message', 'error_message', 'url', 'user_id', 'request_id', 'id'])

export function createSelfMetrics(options: SelfMetricsOptions): SelfMetrics {
  const registry = new Registry()
  registry.setDefaultLabels({ service: options.service })
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry })

  const check = (name: string, labelNames: readonly string[] = []): string[] => {
    if (!METRIC_NAME.test(name)) throw new Error(`metric name ${JSON.stringify(name)} is not a valid Prometheus name`)
    for (const label of labelNames) {
      if (!LABEL_NAME.test(label)) throw new Error(`metric ${name}: label ${JSON.stringify(label)} is not a valid Prometheus label name`)
      if (UNBOUNDED_LABELS.has(label.toLowerCase())) throw new Error(`metric ${name}: label ${label} takes unbounded values; use a bounded label or a log line`)
    }
    return [...labelNames]
  }

  return {
    registry,
    contentType: registry.contentType,
    counter<L extends string = never>(o: MetricOptions<L>): Counter<L> {
      return new Counter<L>({ name: o.name, help: o.help, labelNames: check(o.name, o.labelNames) as L[], registers: [registry] })
    },
    gauge<L extends string = never>(o: GaugeOptions<L>): Gauge<L> {
      const collect = o.collect
      return new Gauge<L>({
        name: o.name,
        help: o.help,
        labelNames: check(o.name, o.labelNames) as L[],
        registers: [registry],
        ...(collect === undefined ? {} : { collect(this: Gauge<L>) { return collect(this) } }),
      })
    },
    histogram<L extends string = never>(o: HistogramOptions<L>): Histogram<L> {
      return new Histogram<L>({
        name: o.name,
        help: o.help,
        labelNames: check(o.name, o.labelNames) as L[],
        registers: [registry],
        ...(o.buckets === undefined ? {} : { buckets: [...o.buckets] }),
      })
    },
    counts<L extends string>(o: CountsOptions<L>): Counter<L> {
      const read = o.read
      const labelName = o.labelName
      return new Counter<L>({
        name: o.name,
        help: o.help,
        labelNames: check(o.name, [labelName]) as L[],
        registers: [registry],
        collect(this: Counter<L>) {
          this.reset()
          for (const [name, value] of Object.entries(read())) {
            if (value !== undefined && value > 0) this.inc({ [labelName]: name } as Partial<Record<L, string>>, value)
          }
        },
      })
    },
    text: () => registry.metrics(),
  }
}
