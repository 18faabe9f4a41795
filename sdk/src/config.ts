/**
 * The SDK's configuration: options passed to `init()`, else the environment, else defaults.
 * This is the only file of the SDK that reads `process.env`.
 *
 * Never throws: every invalid value becomes a warning that names the setting, the value and the
 * default used instead, and the SDK starts with that default. Unknown option keys are warned about
 * (they are usually typos).
 *
 * Environment variables (standard OpenTelemetry ones first):
 *   OTEL_SERVICE_NAME                      serviceName
 *   OTEL_EXPORTER_OTLP_ENDPOINT            endpoint (base URL; traces go to <endpoint>/v1/traces)
 *   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT     tracesEndpoint (full URL, wins over endpoint)
 *   OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL   protocol: http/protobuf (default) or http/json
 *   OTEL_EXPORTER_OTLP_[TRACES_]COMPRESSION compression: none (default) or gzip
 *   OTEL_TRACES_SAMPLER[_ARG]              sampleRatio (always_on, always_off, [parentbased_]traceidratio)
 *   OTEL_SDK_DISABLED=true, OTEL_TRACES_EXPORTER=none   tracing off (logger and metrics still work)
 *   OTEL_NODE_DISABLED_INSTRUMENTATIONS    comma list of http, undici, express, fastify, kafkajs
 *   OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BSP_MAX_EXPORT_BATCH_SIZE, OTEL_BSP_SCHEDULE_DELAY,
 *   OTEL_BSP_EXPORT_TIMEOUT                export queue (OTEL_EXPORTER_OTLP_HEADERS is read by the exporter)
 *   PERISCOPE_SERVICE_VERSION, PERISCOPE_ENVIRONMENT
 *   PERISCOPE_LOG_LEVEL, PERISCOPE_LOG_FILE, PERISCOPE_LOG_STDOUT (true|false)
 *   PERISCOPE_METRICS_PORT (0 = off), PERISCOPE_METRICS_HOST
 *   PERISCOPE_REDACT (false = off), PERISCOPE_REDACT_EXTRA_KEYS (comma list)
 *   PERISCOPE_HANDLE_SIGNALS (true|false)
 */
import type { RedactOptions } from './redact.ts'
import { DEFAULT_LATENCY_BUCKETS_SECONDS } from './metrics.ts'

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]
export const INSTRUMENTATION_NAMES = ['http', 'undici', 'express', 'fastify', 'kafkajs'] as const
export type InstrumentationName = (typeof INSTRUMENTATION_NAMES)[number]

export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number]
export const OTLP_COMPRESSIONS = ['none', 'gzip'] as const
export type OtlpCompression = (typeof OTLP_COMPRESSIONS)[number]

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4318'
export const DEFAULT_METRICS_PORT = 9464
export const DEFAULT_SERVICE_NAME = 'unknown_service:node'
/**
 * Larger than OpenTelemetry's 2048/512: an export request costs the same few hundred µs of CPU
 * whatever it holds (syscalls, HTTP), so 2048 spans per request spread it four times thinner
 * (bench/sdk). On the default http/protobuf path what waits is encoded bytes, not span objects,
 * and a request is also cut at 1 MiB (span-pipeline.ts), so the larger numbers cost little memory.
 */
export const DEFAULT_MAX_QUEUE_SIZE = 8192
export const DEFAULT_MAX_EXPORT_BATCH_SIZE = 2048

export interface PeriscopeOptions {
  serviceName?: string
  serviceVersion?: string
  /** deployment.environment.name, e.g. production */
  environment?: string
  /** OTLP/HTTP base URL of the agent; traces are sent to `<endpoint>/v1/traces`. */
  endpoint?: string
  /** Full traces URL; wins over `endpoint`. */
  tracesEndpoint?: string
  /** Extra headers on export requests (e.g. authorization for a remote collector). */
  headers?: Record<string, string>
  /** OTLP encoding: http/protobuf (default, as in OpenTelemetry) or http/json. */
  protocol?: OtlpProtocol
  /**
   * Export body compression. Default none: the agent is on the same host and gzip costs more CPU
   * per span than the whole encoding (bench/sdk); gzip for an endpoint across a network.
   */
  compression?: OtlpCompression
  /** Share of new traces recorded, 0..1; a sampled parent is always followed. Default 1. */
  sampleRatio?: number
  /** false: no tracing (the logger and metrics still work). */
  tracing?: boolean
  logLevel?: LogLevel
  /** Also write log lines to this file (the agent tails it). */
  logFile?: string
  /** Write log lines to stdout. Default true. */
  logToStdout?: boolean
  redact?: RedactOptions
  /** Port of the /metrics endpoint; 0 disables it. Default 9464. */
  metricsPort?: number
  /** Default 0.0.0.0, so a node agent can scrape the pod. */
  metricsHost?: string
  latencyBucketsSeconds?: number[]
  /** Turn single instrumentations off: `{ kafkajs: false }`. All on by default. */
  instrumentations?: Partial<Record<InstrumentationName, boolean>>
  requestIdHeader?: string
  maxQueueSize?: number
  maxExportBatchSize?: number
  scheduledDelayMs?: number
  exportTimeoutMs?: number
  /** Flush on SIGTERM/SIGINT (then let the signal take its course). Default true. */
  handleSignals?: boolean
  shutdownTimeoutMs?: number
  /** More resource attributes on every span. */
  resourceAttributes?: Record<string, string>
}

export interface ResolvedConfig {
  serviceName: string
  serviceVersion: string | undefined
  environment: string | undefined
  tracesUrl: string
  headers: Record<string, string> | undefined
  protocol: OtlpProtocol
  compression: OtlpCompression
  sampleRatio: number
  tracing: boolean
  logLevel: LogLevel
  logFile: string | undefined
  logToStdout: boolean
  redact: RedactOptions
  metricsPort: number
  metricsHost: string
  latencyBucketsSeconds: number[]
  instrumentations: Record<InstrumentationName, boolean>
  requestIdHeader: string
  maxQueueSize: number
  maxExportBatchSize: number
  scheduledDelayMs: number
  exportTimeoutMs: number
  handleSignals: boolean
  shutdownTimeoutMs: number
  resourceAttributes: Record<string, string>
}

const KNOWN_OPTIONS = new Set<string>([
  'serviceName', 'serviceVersion', 'environment', 'endpoint', 'tracesEndpoint', 'headers', 'protocol', 'compression', 'sampleRatio', 'tracing',
  'logLevel', 'logFile', 'logToStdout', 'redact', 'metricsPort', 'metricsHost', 'latencyBucketsSeconds',
  'instrumentations', 'requestIdHeader', 'maxQueueSize', 'maxExportBatchSize', 'scheduledDelayMs', 'exportTimeoutMs',
  'handleSignals', 'shutdownTimeoutMs', 'resourceAttributes',
])

type Env = Record<string, string | undefined>

/** A raw value and where it came from, for warnings. */
interface Source {
  value: unknown
  from: string
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function envBool(value: string | undefined): boolean | string | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const v = value.trim().toLowerCase()
  if (v === 'true' || v === '1') return true
  if (v === 'false' || v === '0') return false
  return value
}

function envNumber(value: string | undefined): number | string | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const n = Number(value)
  return Number.isFinite(n) ? n : value
}

function envList(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
}

function sampleRatioFromEnv(env: Env): Source | undefined {
  const sampler = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase()
  if (sampler === undefined || sampler === '') return undefined
  if (sampler === 'always_on' || sampler === 'parentbased_always_on') return { value: 1, from: 'OTEL_TRACES_SAMPLER' }
  if (sampler === 'always_off' || sampler === 'parentbased_always_off') return { value: 0, from: 'OTEL_TRACES_SAMPLER' }
  if (sampler === 'traceidratio' || sampler === 'parentbased_traceidratio') {
    const arg = envNumber(env.OTEL_TRACES_SAMPLER_ARG)
    return { value: arg ?? 1, from: 'OTEL_TRACES_SAMPLER_ARG' }
  }
  return { value: env.OTEL_TRACES_SAMPLER, from: 'OTEL_TRACES_SAMPLER' }
}

function tracingFromEnv(env: Env): Source | undefined {
  const disabled = envBool(env.OTEL_SDK_DISABLED)
  if (disabled === true) return { value: false, from: 'OTEL_SDK_DISABLED' }
  const exporters = envList(env.OTEL_TRACES_EXPORTER)
  if (exporters?.includes('none')) return { value: false, from: 'OTEL_TRACES_EXPORTER' }
  return undefined
}

/**
 * Resolves options over the environment over defaults. `env` defaults to `process.env`; tests
 * pass their own.
 */
export function resolveConfig(input: unknown, env: Env = process.env): { config: ResolvedConfig; warnings: string[] } {
  const warnings: string[] = []
  let options: Record<string, unknown> = {}
  if (isRecord(input)) options = input
  else if (input !== undefined) warnings.push(`init() options must be an object, got ${input === null ? 'null' : typeof input}; using the environment and defaults`)
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) warnings.push(`unknown option '${key}' ignored`)
  }

  /** The option when set, else the environment variable's value. */
  const source = (key: string, envName?: string, fromEnv?: unknown): Source | undefined => {
    if (options[key] !== undefined) return { value: options[key], from: `option ${key}` }
    if (envName !== undefined && fromEnv !== undefined) return { value: fromEnv, from: envName }
    return undefined
  }
  const pick = <T>(src: Source | undefined, valid: (v: unknown) => v is T, fallback: T, expected: string): T => {
    if (src === undefined) return fallback
    if (valid(src.value)) return src.value
    warnings.push(`${src.from}: ${JSON.stringify(src.value)} is not ${expected}; using ${JSON.stringify(fallback)}`)
    return fallback
  }
  const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0
  const bool = (v: unknown): v is boolean => typeof v === 'boolean'
  const intIn = (min: number, max: number) => (v: unknown): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max
  const httpUrl = (v: unknown): v is string => {
    if (typeof v !== 'string') return false
    try {
      const u = new URL(v)
      return u.protocol === 'http:' || u.protocol === 'https:'
    } catch {
      return false
    }
  }
  const stringRecord = (v: unknown): v is Record<string, string> =>
    isRecord(v) && Object.values(v).every((x) => typeof x === 'string')

  const serviceName = pick(source('serviceName', 'OTEL_SERVICE_NAME', env.OTEL_SERVICE_NAME), nonEmpty, DEFAULT_SERVICE_NAME, 'a non-empty string')
  if (source('serviceName', 'OTEL_SERVICE_NAME', env.OTEL_SERVICE_NAME) === undefined) {
    warnings.push(`no serviceName (option serviceName or OTEL_SERVICE_NAME); using '${DEFAULT_SERVICE_NAME}'`)
  }
  const serviceVersion = pick<string | undefined>(source('serviceVersion', 'PERISCOPE_SERVICE_VERSION', env.PERISCOPE_SERVICE_VERSION), nonEmpty, undefined, 'a non-empty string')
  const environment = pick<string | undefined>(source('environment', 'PERISCOPE_ENVIRONMENT', env.PERISCOPE_ENVIRONMENT), nonEmpty, undefined, 'a non-empty string')

  const endpoint = pick(source('endpoint', 'OTEL_EXPORTER_OTLP_ENDPOINT', env.OTEL_EXPORTER_OTLP_ENDPOINT), httpUrl, DEFAULT_ENDPOINT, 'an http(s) URL')
  const tracesEndpoint = pick<string | undefined>(
    source('tracesEndpoint', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT),
    httpUrl,
    undefined,
    'an http(s) URL',
  )
  const tracesUrl = tracesEndpoint ?? `${endpoint.replace(/\/+$/, '')}/v1/traces`
  const headers = pick<Record<string, string> | undefined>(source('headers'), stringRecord, undefined, 'an object of strings')
  const protocolEnvName = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL'
  const protocol = pick(
    source('protocol', protocolEnvName, env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL),
    (v): v is OtlpProtocol => typeof v === 'string' && (OTLP_PROTOCOLS as readonly string[]).includes(v),
    'http/protobuf',
    `one of ${OTLP_PROTOCOLS.join(', ')}`,
  )
  const compressionEnvName = env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION' : 'OTEL_EXPORTER_OTLP_COMPRESSION'
  const compression = pick(
    source('compression', compressionEnvName, env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION ?? env.OTEL_EXPORTER_OTLP_COMPRESSION),
    (v): v is OtlpCompression => typeof v === 'string' && (OTLP_COMPRESSIONS as readonly string[]).includes(v),
    'none',
    `one of ${OTLP_COMPRESSIONS.join(', ')}`,
  )

  const sampleRatio = pick(
    source('sampleRatio') ?? sampleRatioFromEnv(env),
    (v): v is number => typeof v === 'number' && v >= 0 && v <= 1,
    1,
    'a number between 0 and 1',
  )
  const tracing = pick(source('tracing') ?? tracingFromEnv(env), bool, true, 'a boolean')

  const logLevel = pick(
    source('logLevel', 'PERISCOPE_LOG_LEVEL', env.PERISCOPE_LOG_LEVEL),
    (v): v is LogLevel => typeof v === 'string' && (LOG_LEVELS as readonly string[]).includes(v),
    'info',
    `one of ${LOG_LEVELS.join(', ')}`,
  )
  const logFile = pick<string | undefined>(source('logFile', 'PERISCOPE_LOG_FILE', env.PERISCOPE_LOG_FILE), nonEmpty, undefined, 'a file path')
  const logToStdout = pick(source('logToStdout', 'PERISCOPE_LOG_STDOUT', envBool(env.PERISCOPE_LOG_STDOUT)), bool, true, 'a boolean')

  const redactEnabled = envBool(env.PERISCOPE_REDACT)
  const redactExtra = envList(env.PERISCOPE_REDACT_EXTRA_KEYS)
  let redact: RedactOptions = {}
  const redactSource = source('redact')
  if (redactSource !== undefined) {
    redact = pick(redactSource, (v): v is RedactOptions => validRedactOptions(v), {}, 'redaction options ({ keys?, extraKeys?, emails?, cardNumbers?, bearerTokens?, patterns?, censor? })')
  } else {
    if (redactEnabled === false) redact = { enabled: false }
    else if (typeof redactEnabled === 'string') warnings.push(`PERISCOPE_REDACT: ${JSON.stringify(redactEnabled)} is not a boolean; redaction stays on`)
    if (redactExtra !== undefined) redact = { ...redact, extraKeys: redactExtra }
  }

  const metricsPort = pick(source('metricsPort', 'PERISCOPE_METRICS_PORT', envNumber(env.PERISCOPE_METRICS_PORT)), intIn(0, 65535), DEFAULT_METRICS_PORT, 'a port number 0..65535')
  const metricsHost = pick(source('metricsHost', 'PERISCOPE_METRICS_HOST', env.PERISCOPE_METRICS_HOST), nonEmpty, '0.0.0.0', 'a host name or address')
  const latencyBucketsSeconds = pick(
    source('latencyBucketsSeconds'),
    (v): v is number[] =>
      Array.isArray(v) && v.length > 0 && v.every((x, i) => typeof x === 'number' && x > 0 && Number.isFinite(x) && (i === 0 || x > (v[i - 1] as number))),
    [...DEFAULT_LATENCY_BUCKETS_SECONDS],
    'a non-empty increasing list of positive seconds',
  )

  const instrumentations = Object.fromEntries(INSTRUMENTATION_NAMES.map((n) => [n, true])) as Record<InstrumentationName, boolean>
  const instrumentationSource = source('instrumentations')
  if (instrumentationSource !== undefined) {
    const given = pick<Record<string, unknown>>(instrumentationSource, isRecord, {}, 'an object of booleans')
    for (const [name, on] of Object.entries(given)) {
      if (!(INSTRUMENTATION_NAMES as readonly string[]).includes(name)) warnings.push(`option instrumentations: unknown instrumentation '${name}' ignored`)
      else if (typeof on !== 'boolean') warnings.push(`option instrumentations.${name}: ${JSON.stringify(on)} is not a boolean; kept on`)
      else instrumentations[name as InstrumentationName] = on
    }
  }
  for (const name of envList(env.OTEL_NODE_DISABLED_INSTRUMENTATIONS) ?? []) {
    const short = name.replace(/^@opentelemetry\/instrumentation-/, '').replace(/^@fastify\/otel$/, 'fastify')
    if ((INSTRUMENTATION_NAMES as readonly string[]).includes(short)) {
      if (instrumentationSource === undefined) instrumentations[short as InstrumentationName] = false
    } else warnings.push(`OTEL_NODE_DISABLED_INSTRUMENTATIONS: unknown instrumentation '${name}' ignored`)
  }

  const requestIdHeader = pick(
    source('requestIdHeader'),
    (v): v is string => typeof v === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(v),
    'x-request-id',
    'an HTTP header name',
  ).toLowerCase()
  const maxQueueSize = pick(
    source('maxQueueSize', 'OTEL_BSP_MAX_QUEUE_SIZE', envNumber(env.OTEL_BSP_MAX_QUEUE_SIZE)),
    intIn(1, 1_000_000),
    DEFAULT_MAX_QUEUE_SIZE,
    'an integer 1..1000000',
  )
  const maxExportBatchSize = pick(
    source('maxExportBatchSize', 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', envNumber(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE)),
    intIn(1, 1_000_000),
    DEFAULT_MAX_EXPORT_BATCH_SIZE,
    'an integer 1..1000000',
  )
  const scheduledDelayMs = pick(source('scheduledDelayMs', 'OTEL_BSP_SCHEDULE_DELAY', envNumber(env.OTEL_BSP_SCHEDULE_DELAY)), intIn(1, 600_000), 1000, 'milliseconds 1..600000')
  const exportTimeoutMs = pick(
    source('exportTimeoutMs', 'OTEL_BSP_EXPORT_TIMEOUT', envNumber(env.OTEL_BSP_EXPORT_TIMEOUT)),
    intIn(1, 600_000),
    10_000,
    'milliseconds 1..600000',
  )
  const handleSignals = pick(source('handleSignals', 'PERISCOPE_HANDLE_SIGNALS', envBool(env.PERISCOPE_HANDLE_SIGNALS)), bool, true, 'a boolean')
  const shutdownTimeoutMs = pick(source('shutdownTimeoutMs'), intIn(1, 600_000), 5000, 'milliseconds 1..600000')
  const resourceAttributes = pick(source('resourceAttributes'), stringRecord, {}, 'an object of strings')

  return {
    config: {
      serviceName: serviceName.trim(),
      serviceVersion,
      environment,
      tracesUrl,
      headers,
      protocol,
      compression,
      sampleRatio,
      tracing,
      logLevel,
      logFile,
      logToStdout,
      redact,
      metricsPort,
      metricsHost,
      latencyBucketsSeconds,
      instrumentations,
      requestIdHeader,
      maxQueueSize,
      maxExportBatchSize,
      scheduledDelayMs,
      exportTimeoutMs,
      handleSignals,
      shutdownTimeoutMs,
      resourceAttributes,
    },
    warnings,
  }
}

function validRedactOptions(v: unknown): boolean {
  if (!isRecord(v)) return false
  const strings = (x: unknown) => x === undefined || (Array.isArray(x) && x.every((s) => typeof s === 'string'))
  const optBool = (x: unknown) => x === undefined || typeof x === 'boolean'
  return (
    strings(v.keys) &&
    strings(v.extraKeys) &&
    optBool(v.enabled) &&
    optBool(v.emails) &&
    optBool(v.cardNumbers) &&
    optBool(v.bearerTokens) &&
    (v.censor === undefined || typeof v.censor === 'string') &&
    (v.maxDepth === undefined || (Number.isInteger(v.maxDepth) && (v.maxDepth as number) > 0)) &&
    (v.patterns === undefined || (Array.isArray(v.patterns) && v.patterns.every((p) => p instanceof RegExp)))
  )
}
