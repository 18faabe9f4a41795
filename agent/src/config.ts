/**
 * The agent's configuration: schema defaults < YAML file (PERISCOPE_AGENT_CONFIG_FILE or
 * `--config <path>`) < environment (PERISCOPE_AGENT_<SECTION>_<KEY>, e.g.
 * PERISCOPE_AGENT_COLLECTOR_ENDPOINT, PERISCOPE_AGENT_COLLECTOR_INGEST_KEY). Validated and frozen
 * by @periscope/runtime's loadConfig; every violation is listed at once.
 * This is the only agent file that reads process.env. Kubernetes facts come from the standard
 * in-cluster variables: KUBERNETES_SERVICE_HOST/PORT (API server) and NODE_NAME (set from
 * spec.nodeName by the DaemonSet), and PERISCOPE_INGEST_KEY is the platform-wide default key.
 */
import { hostname } from 'node:os'
import { Type, type Static } from 'typebox'
import { loadConfig } from '@periscope/runtime'

const KiB = 1024
const MiB = 1024 * KiB

const ms = (d: number, description?: string) => Type.Integer({ minimum: 0, default: d, ...(description ? { description } : {}) })

export const CollectorSchema = Type.Object(
  {
    endpoint: Type.String({ default: 'http://127.0.0.1:4318', description: 'collector base URL; /v1/<signal> is appended' }),
    ingestKey: Type.String({ default: '', description: "the tenant's ingest key (Authorization: Bearer)" }),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
    compression: Type.Union([Type.Literal('gzip'), Type.Literal('none')], { default: 'gzip' }),
    gzipLevel: Type.Integer({ minimum: 1, maximum: 9, default: 3 }),
    maxInFlight: Type.Integer({
      minimum: 1,
      maximum: 64,
      default: 4,
      description: 'export requests in flight at once (each waits for the collector\'s durable hand-off); checkpoints still advance in entry order',
    }),
    maxInFlightBytes: Type.Integer({ minimum: 1 * MiB, default: 16 * MiB, description: 'a further buffer entry is sent only while those in flight hold fewer bytes than this' }),
    retry: Type.Object(
      {
        initialDelayMs: Type.Integer({ minimum: 1, default: 250 }),
        maxDelayMs: Type.Integer({ minimum: 1, default: 30_000 }),
        maxRetryAfterMs: Type.Integer({ minimum: 0, default: 120_000, description: "a collector's Retry-After is honoured up to this" }),
      },
      { additionalProperties: false, default: {} },
    ),
    breaker: Type.Object(
      {
        failureThreshold: Type.Integer({ minimum: 1, default: 5 }),
        openDurationMs: Type.Integer({ minimum: 1, default: 5_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    failureLogIntervalMs: ms(60_000, 'a permanently rejected batch is logged at most once per interval'),
  },
  { additionalProperties: false, default: {} },
)

export const BufferSchema = Type.Object(
  {
    maxBytes: Type.Integer({ minimum: 1 * MiB, default: 256 * MiB, description: 'bound of unacknowledged data on disk' }),
    segmentBytes: Type.Integer({ minimum: 64 * KiB, default: 16 * MiB }),
    commitIntervalMs: ms(2, 'how long an append waits for others to share its fsync'),
  },
  { additionalProperties: false, default: {} },
)

const MultilineSchema = Type.Object(
  {
    mode: Type.Union([Type.Literal('auto'), Type.Literal('off')], { default: 'auto' }),
    continuationPattern: Type.Optional(Type.String({ description: 'regular expression of extra continuation lines' })),
    startPattern: Type.Optional(Type.String({ description: 'regular expression of lines that start a record; others continue it' })),
    maxLines: Type.Integer({ minimum: 1, default: 500 }),
    maxBytes: Type.Integer({ minimum: 1 * KiB, default: 256 * KiB }),
    flushTimeoutMs: ms(1_000),
  },
  { additionalProperties: false, default: {} },
)

export const FileTailSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: false }),
    include: Type.Array(Type.String(), { default: [], description: 'globs of files to tail, e.g. /var/log/pods/*/*/*.log' }),
    exclude: Type.Array(Type.String(), { default: [] }),
    format: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('logfmt'), Type.Literal('text'), Type.Literal('cri')], { default: 'auto' }),
    startAt: Type.Union([Type.Literal('end'), Type.Literal('beginning')], { default: 'end', description: 'where files found at the first start begin' }),
    pollIntervalMs: Type.Integer({ minimum: 10, default: 250 }),
    globIntervalMs: Type.Integer({ minimum: 0, default: 2_000 }),
    orphanIdleMs: ms(5_000, 'a rotated-away file is closed after staying at its end this long'),
    maxLineBytes: Type.Integer({ minimum: 1 * KiB, default: 256 * KiB }),
    maxOpenFiles: Type.Integer({ minimum: 1, default: 1024 }),
    readChunkBytes: Type.Integer({ minimum: 4 * KiB, default: 256 * KiB }),
    multiline: MultilineSchema,
    batch: Type.Object(
      {
        // small batches die young in V8's nursery: larger ones cost RSS for no throughput gain
        maxRecords: Type.Integer({ minimum: 1, default: 1_000 }),
        maxBytes: Type.Integer({ minimum: 1 * KiB, maximum: 8 * MiB, default: 1 * MiB }),
        maxDelayMs: ms(1_000),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
)

export const PrometheusScrapeSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: false }),
    intervalMs: Type.Integer({ minimum: 100, default: 15_000 }),
    timeoutMs: Type.Integer({ minimum: 10, default: 10_000 }),
    maxBodyBytes: Type.Integer({ minimum: 1 * KiB, default: 16 * MiB }),
    concurrency: Type.Integer({ minimum: 1, default: 8 }),
    targets: Type.Array(
      Type.Object(
        {
          url: Type.String({ pattern: '^https?://' }),
          job: Type.String({ default: 'static' }),
          resourceAttributes: Type.Record(Type.String({ minLength: 1, maxLength: 256 }), Type.String({ maxLength: 4096 }), {
            default: {},
            description: 'resource attributes of the scraped metrics (e.g. service.namespace); service.name defaults to the job',
          }),
        },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
    kubernetes: Type.Object(
      {
        enabled: Type.Boolean({ default: false, description: 'scrape pods on this node annotated prometheus.io/scrape' }),
        apiUrl: Type.String({ default: '', description: 'defaults to https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT' }),
        tokenPath: Type.String({ default: '/var/run/secrets/kubernetes.io/serviceaccount/token' }),
        caPath: Type.String({ default: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt' }),
        refreshIntervalMs: Type.Integer({ minimum: 1_000, default: 30_000 }),
        timeoutMs: Type.Integer({ minimum: 100, default: 5_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
)

export const AgentConfigSchema = Type.Object(
  {
    dataDir: Type.String({ default: '/var/lib/periscope-agent', description: 'disk buffer and checkpoints' }),
    hostName: Type.String({ default: '', description: "host.name on everything shipped; empty = the machine's hostname" }),
    nodeName: Type.String({ default: '', description: 'Kubernetes node name (NODE_NAME); enables k8s.node.name and pod discovery' }),
    logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }),
    server: Type.Object(
      {
        host: Type.String({ default: '0.0.0.0' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 4318, description: 'OTLP receiver and /metrics, /healthz, /readyz' }),
      },
      { additionalProperties: false, default: {} },
    ),
    collector: CollectorSchema,
    buffer: BufferSchema,
    sources: Type.Object(
      {
        otlpHttp: Type.Object(
          {
            enabled: Type.Boolean({ default: true }),
            maxBodyBytes: Type.Integer({ minimum: 1 * KiB, default: 16 * MiB }),
            retryAfterSeconds: Type.Integer({ minimum: 1, default: 5, description: 'Retry-After sent with 503 when the buffer is full' }),
          },
          { additionalProperties: false, default: {} },
        ),
        fileTail: FileTailSchema,
        prometheusScrape: PrometheusScrapeSchema,
        hostMetrics: Type.Object(
          {
            enabled: Type.Boolean({ default: true }),
            intervalMs: Type.Integer({ minimum: 100, default: 10_000 }),
            procRoot: Type.String({ default: '/proc', description: "the host's /proc (a DaemonSet mounts it at /host/proc)" }),
            rootfsPrefix: Type.String({ default: '/', description: "the host's / for filesystem usage (e.g. /host)" }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
)

export type AgentConfig = Static<typeof AgentConfigSchema>

function warnings(config: AgentConfig): string[] {
  const out: string[] = []
  if (config.sources.fileTail.enabled && config.sources.fileTail.include.length === 0) {
    out.push('sources.fileTail is enabled but sources.fileTail.include is empty: no file will be tailed')
  }
  if (config.sources.prometheusScrape.kubernetes.enabled && !config.nodeName) {
    out.push('sources.prometheusScrape.kubernetes is enabled without nodeName (NODE_NAME): every pod in the cluster would be a target; set nodeName')
  }
  if (!config.collector.ingestKey) out.push('collector.ingestKey is empty: the collector will refuse the data unless it runs without keys')
  if (config.collector.timeoutMs > config.collector.retry.maxDelayMs * 10) {
    out.push('collector.timeoutMs is much larger than collector.retry.maxDelayMs: a hung collector stalls shipping for the whole timeout')
  }
  return out
}

export interface LoadedAgentConfig {
  config: AgentConfig
  /** resolved facts the config file does not hold */
  hostName: string
  kubernetesApiUrl: string
}

/** Reads the config from `--config <path>` (or PERISCOPE_AGENT_CONFIG_FILE) and the environment. */
export function loadAgentConfig(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): LoadedAgentConfig {
  const flag = argv.indexOf('--config')
  const file = flag >= 0 ? argv[flag + 1] : env['PERISCOPE_AGENT_CONFIG_FILE']
  const overrides: Record<string, unknown> = {}
  if (env['NODE_NAME'] && !env['PERISCOPE_AGENT_NODE_NAME']) overrides['nodeName'] = env['NODE_NAME']
  const config = loadConfig(AgentConfigSchema, {
    env,
    envPrefix: 'PERISCOPE_AGENT',
    file,
    ignoreEnv: ['PERISCOPE_AGENT_CONFIG_FILE'],
    warnings,
    overrides: {
      ...overrides,
      ...(env['PERISCOPE_INGEST_KEY'] && !env['PERISCOPE_AGENT_COLLECTOR_INGEST_KEY'] ? { collector: { ingestKey: env['PERISCOPE_INGEST_KEY'] } } : {}),
    } as never,
  })
  const host = env['KUBERNETES_SERVICE_HOST']
  const port = env['KUBERNETES_SERVICE_PORT'] ?? '443'
  const kubernetesApiUrl = config.sources.prometheusScrape.kubernetes.apiUrl || (host ? `https://${host.includes(':') ? `[${host}]` : host}:${port}` : '')
  return { config, hostName: config.hostName || hostname(), kubernetesApiUrl }
}
