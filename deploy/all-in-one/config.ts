/**
 * Configuration of `npm start` (the all-in-one launcher); the only launcher file that reads
 * process.env.
 *
 * Precedence: defaults < environment < command-line flags.
 *   PERISCOPE_DATA_DIR            data directory (default ./data)
 *   PERISCOPE_INGEST_KEY          the default tenant's first ingest key (else generated once)
 *   PERISCOPE_ADMIN_TOKEN         the default tenant's first admin token (else generated once)
 *   PERISCOPE_ALL_IN_ONE_<KEY>    every setting of AllInOneSchema, e.g. PERISCOPE_ALL_IN_ONE_DEMO=false,
 *                                 PERISCOPE_ALL_IN_ONE_BUS=kafka, PERISCOPE_ALL_IN_ONE_PORTS_UI=3001
 *   PERISCOPE_COLLECTOR_* / PERISCOPE_INGEST_* / PERISCOPE_QUERY_API_*   the in-process services'
 *                                 own settings (limits, batching, …); their listen address, store
 *                                 and bus are the launcher's and cannot be set there.
 * Flags: --data-dir DIR, --no-demo, --no-ui, --no-agent, --kafka, --host H, --collector-port,
 * --api-port, --ingest-port, --ui-port, --agent-port, --shop-port-base, --shop-metrics-port-base,
 * --log-level.
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { Type, type Static } from 'typebox'
import { loadConfig, type DeepPartial } from '@periscope/runtime'
import type { BusConfig } from '@periscope/pipeline'
import { CollectorConfigSchema, IngestConfigSchema, QueryApiConfigSchema, type CollectorConfig, type IngestConfig, type QueryApiConfig } from '../lib/service-configs.ts'

const port = (value: number, description: string) => Type.Integer({ minimum: 1, maximum: 65535, default: value, description })

export const AllInOneSchema = Type.Object(
  {
    dataDir: Type.String({ minLength: 1, default: './data', description: 'store, bus, agent buffer, credentials, logs' }),
    host: Type.String({ default: '127.0.0.1', description: 'address every component listens on' }),
    demo: Type.Boolean({ default: true, description: 'run the demo shop and its load generator' }),
    ui: Type.Boolean({ default: true }),
    agent: Type.Boolean({ default: true }),
    bus: Type.Union([Type.Literal('local'), Type.Literal('kafka')], { default: 'local', description: 'local log under the data directory, or the deploy/kafka broker' }),
    kafkaBrokers: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, default: ['127.0.0.1:39092'], description: 'used with bus=kafka' }),
    ports: Type.Object(
      {
        collector: port(4318, 'OTLP/HTTP receiver of the collector'),
        api: port(8080, 'query API'),
        ingest: port(8081, "ingest's /healthz /readyz /metrics"),
        ui: port(3000, 'web UI'),
        agent: port(4319, "agent's OTLP receiver (the demo services export to it) and its /metrics"),
        shopBase: Type.Integer({ minimum: 1, maximum: 65530, default: 7000, description: 'demo services on base+1 … base+4' }),
        shopMetricsBase: Type.Integer({ minimum: 1, maximum: 65530, default: 7100, description: "demo services' /metrics on base+1 … base+4" }),
      },
      { additionalProperties: false, default: {} },
    ),
    demoLoadRatePerSecond: Type.Number({ exclusiveMinimum: 0, maximum: 1000, default: 4 }),
    logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace'].map((l) => Type.Literal(l)), { default: 'info' }),
    /** how long a child (agent, UI, shop) may take to answer its health check */
    startTimeoutMs: Type.Integer({ minimum: 1000, default: 60_000 }),
    /** the UI's first `next build` on a small machine takes minutes */
    uiBuildTimeoutMs: Type.Integer({ minimum: 10_000, default: 900_000 }),
    shutdownTimeoutMs: Type.Integer({ minimum: 1000, default: 60_000 }),
  },
  { additionalProperties: false },
)
export type AllInOneSettings = Static<typeof AllInOneSchema>

export interface AllInOneConfig {
  settings: AllInOneSettings
  /** absolute */
  dataDir: string
  bus: BusConfig
  collector: CollectorConfig
  ingest: IngestConfig
  queryApi: QueryApiConfig
  secrets: { ingestKey: string | undefined; adminToken: string | undefined }
  /** the launcher's environment, passed on to the children */
  env: Readonly<Record<string, string | undefined>>
}

export const USAGE = `usage: npm start [-- options]
  --data-dir DIR            data directory (default ./data, or $PERISCOPE_DATA_DIR)
  --no-demo                 do not run the demo shop and its load generator
  --no-ui                   do not run the web UI
  --no-agent                do not run the agent (nothing ships the demo's telemetry then)
  --kafka                   use the Kafka broker of deploy/kafka instead of the local log
  --host ADDRESS            listen address of every component (default 127.0.0.1)
  --collector-port N        (4318)   --api-port N (8080)   --ingest-port N (8081)
  --ui-port N               (3000)   --agent-port N (4319)
  --shop-port-base N        demo services on N+1..N+4 (7000)
  --shop-metrics-port-base N  their /metrics on N+1..N+4 (7100)
  --log-level LEVEL         fatal|error|warn|info|debug|trace (info)
  -h, --help`

export class UsageError extends Error {}

const PORT_FLAGS = {
  'collector-port': 'collector',
  'api-port': 'api',
  'ingest-port': 'ingest',
  'ui-port': 'ui',
  'agent-port': 'agent',
  'shop-port-base': 'shopBase',
  'shop-metrics-port-base': 'shopMetricsBase',
} as const

/** Flags → overrides of AllInOneSchema; `help` when -h was given. Throws UsageError. */
export function parseFlags(argv: readonly string[]): { help: boolean; overrides: DeepPartial<AllInOneSettings> } {
  let values
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'data-dir': { type: 'string' },
        'no-demo': { type: 'boolean' },
        'no-ui': { type: 'boolean' },
        'no-agent': { type: 'boolean' },
        kafka: { type: 'boolean' },
        host: { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(Object.keys(PORT_FLAGS).map((flag) => [flag, { type: 'string' as const }])),
      },
    }))
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const flags = values as Record<string, string | boolean | undefined>
  const ports: Record<string, number> = {}
  for (const [flag, key] of Object.entries(PORT_FLAGS)) {
    const raw = flags[flag]
    if (typeof raw !== 'string') continue
    const n = Number(raw)
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`--${flag} ${raw}: not a port number`)
    ports[key] = n
  }
  const overrides: DeepPartial<AllInOneSettings> = {
    dataDir: flags['data-dir'] as string | undefined,
    host: flags['host'] as string | undefined,
    logLevel: flags['log-level'] as AllInOneSettings['logLevel'] | undefined,
    demo: flags['no-demo'] ? false : undefined,
    ui: flags['no-ui'] ? false : undefined,
    agent: flags['no-agent'] ? false : undefined,
    bus: flags['kafka'] ? 'kafka' : undefined,
    ports: Object.keys(ports).length > 0 ? ports : undefined,
  }
  return { help: flags['help'] === true, overrides }
}

/** Loads everything the launcher needs; throws ConfigError (every problem listed) or UsageError. */
export function loadAllInOneConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env, cwd = process.cwd()): AllInOneConfig & { help: boolean } {
  const { help, overrides } = parseFlags(argv)
  const fromEnvDataDir = env['PERISCOPE_DATA_DIR']?.trim() ? { dataDir: env['PERISCOPE_DATA_DIR'] } : {}
  const settings = loadConfig(AllInOneSchema, {
    env,
    envPrefix: 'PERISCOPE_ALL_IN_ONE',
    overrides: { ...fromEnvDataDir, ...stripUndefined(overrides) },
  })
  const dataDir = resolve(cwd, settings.dataDir)
  const bus: BusConfig = settings.bus === 'kafka' ? { kind: 'kafka', brokers: [...settings.kafkaBrokers], clientId: 'periscope-all-in-one' } : { kind: 'local', dir: resolve(dataDir, 'bus') }
  const store = { mode: 'embedded' as const, path: resolve(dataDir, 'clickhouse') }
  const host = settings.host
  const collector = loadConfig(CollectorConfigSchema, {
    env,
    envPrefix: 'PERISCOPE_COLLECTOR',
    ignoreEnv: ['PERISCOPE_COLLECTOR_CONFIG_FILE'],
    overrides: { http: { host, port: settings.ports.collector }, store, bus },
  })
  const ingest = loadConfig(IngestConfigSchema, {
    env,
    envPrefix: 'PERISCOPE_INGEST',
    // PERISCOPE_INGEST_KEY is the platform-wide default key, not an ingest-service setting
    ignoreEnv: ['PERISCOPE_INGEST_CONFIG_FILE', 'PERISCOPE_INGEST_KEY'],
    overrides: { http: { host, port: settings.ports.ingest }, store, bus },
  })
  const queryApi = loadConfig(QueryApiConfigSchema, {
    env,
    envPrefix: 'PERISCOPE_QUERY_API',
    // PERISCOPE_QUERY_API_URL is the UI's setting
    ignoreEnv: ['PERISCOPE_QUERY_API_CONFIG_FILE', 'PERISCOPE_QUERY_API_URL'],
    overrides: { http: { host, port: settings.ports.api }, store },
  })
  return {
    help,
    settings,
    dataDir,
    bus,
    collector,
    ingest,
    queryApi,
    secrets: { ingestKey: nonEmpty(env['PERISCOPE_INGEST_KEY']), adminToken: nonEmpty(env['PERISCOPE_ADMIN_TOKEN']) },
    env,
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value?.trim() ? value.trim() : undefined
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
