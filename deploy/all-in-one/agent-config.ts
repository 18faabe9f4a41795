/**
 * The agent's config file for the all-in-one (written to <data>/agent.yaml on every start; the
 * ingest key is not in it but passed as PERISCOPE_AGENT_COLLECTOR_INGEST_KEY).
 *
 * What the agent collects:
 * - OTLP on <host>:<agent port> (4319): the demo services' spans;
 * - file_tail of <data>/shop-logs/*.log: the demo services' JSON logs (trace ids lifted);
 * - prometheus_scrape of the demo services' /metrics (job = their service name) and of the
 *   platform itself: the collector, ingest and query API in the launcher process and the agent's
 *   own /metrics, each under job `periscope-<component>`, which becomes its service.name, with
 *   `service.namespace: periscope` on their resource. That prefix and namespace are the tags of
 *   Periscope's own telemetry;
 * - host_metrics of this machine.
 *
 * Why self-monitoring cannot amplify itself: only metrics of the platform are collected, never
 * its logs. The launcher's and the agent's log files (<data>/logs) are outside every file_tail
 * pattern, and the services log lifecycle events only (no line per request, record or scrape).
 * A scrape yields a fixed set of series whatever the traffic, so shipping it changes counter
 * values, not the amount of data the next scrape produces: the self-telemetry is a constant
 * trickle (one scrape per target per interval), not a loop.
 */
import { stringify } from 'yaml'
import { SHOP_SERVICES } from './shop.ts'

export interface AgentFileOptions {
  host: string
  dataDir: string
  agentDir: string
  ports: { collector: number; api: number; ingest: number; agent: number; shopMetricsBase: number }
  demo: boolean
  shopLogDir: string
  scrapeIntervalMs: number
}

export const SELF_JOB_PREFIX = 'periscope-'
/** resource attributes of the platform's own metrics besides their service.name (the job) */
export const SELF_RESOURCE_ATTRIBUTES = { 'service.namespace': 'periscope' } as const

export function agentConfig(options: AgentFileOptions): Record<string, unknown> {
  const { host, ports } = options
  const url = (port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`
  const self = (port: number, component: string) => ({ url: url(port), job: `${SELF_JOB_PREFIX}${component}`, resourceAttributes: SELF_RESOURCE_ATTRIBUTES })
  const targets = [
    self(ports.collector, 'collector'),
    self(ports.ingest, 'ingest'),
    self(ports.api, 'query-api'),
    self(ports.agent, 'agent'),
    ...(options.demo ? SHOP_SERVICES.map((service, i) => ({ url: url(ports.shopMetricsBase + i + 1), job: service })) : []),
  ]
  return {
    dataDir: options.agentDir,
    server: { host, port: ports.agent },
    collector: { endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${ports.collector}` },
    // 256 MiB like a node agent would be a lot for a laptop demo; 64 MiB holds minutes of outage
    buffer: { maxBytes: 64 * 1024 * 1024, segmentBytes: 4 * 1024 * 1024 },
    sources: {
      otlpHttp: { enabled: true },
      fileTail: {
        enabled: options.demo,
        include: options.demo ? [`${options.shopLogDir}/*.log`] : [],
        format: 'json',
        startAt: 'beginning',
        // the demo's lines should be searchable within seconds
        batch: { maxDelayMs: 500 },
      },
      prometheusScrape: { enabled: true, intervalMs: options.scrapeIntervalMs, timeoutMs: Math.min(5000, options.scrapeIntervalMs), targets },
      hostMetrics: { enabled: true, intervalMs: options.scrapeIntervalMs },
    },
  }
}

export function agentConfigYaml(options: AgentFileOptions): string {
  return `# written by the all-in-one launcher on every start; edit deploy/all-in-one/agent-config.ts instead\n${stringify(agentConfig(options))}`
}
