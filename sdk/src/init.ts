/**
 * `init()`: one call that instruments a service — OpenTelemetry tracing over OTLP/HTTP towards
 * the local agent, the correlated JSON logger, the request id, the Prometheus /metrics endpoint
 * and a flush on shutdown.
 *
 * Never breaks its host: init() does not throw (bad options are warnings and defaults; an
 * unexpected failure yields a working logger without tracing), export failures are counted and
 * logged on state change only, and nothing the SDK does is on the request path except context
 * lookups and counter increments.
 *
 * OpenTelemetry keeps its tracer provider, propagator and context manager in process globals, so
 * only one instance traces at a time; a second init() while one is active gets a logger and
 * metrics but no tracing, with a warning. shutdown() releases the globals.
 */
import { context, propagation, trace } from '@opentelemetry/api'
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core'
import type { Instrumentation } from '@opentelemetry/instrumentation'
import { defaultResource, detectResources, envDetector, hostDetector, processDetector, resourceFromAttributes } from '@opentelemetry/resources'
import { NodeSDK } from '@opentelemetry/sdk-node'
import { AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base'
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions'
import { pino } from 'pino'
import { resolveConfig, type PeriscopeOptions, type ResolvedConfig } from './config.ts'
import { createHttpHooks } from './http-hooks.ts'
import { createInstrumentations } from './instrumentations.ts'
import { createLogger, createLogOutput, type Logger, type LogOutput } from './logger.ts'
import { startMetricsServer, type MetricsServer } from './metrics-server.ts'
import { createSdkMetrics, type SdkMetrics } from './metrics.ts'
import { createRedactor } from './redact.ts'
import { createRequestIdPropagator } from './request-id.ts'
import { createSpanPipeline, type SpanPipeline } from './span-pipeline.ts'
import { createTraceExporter } from './trace-exporter.ts'

export interface Periscope {
  readonly config: ResolvedConfig
  readonly logger: Logger
  readonly metrics: SdkMetrics
  /** Whether this instance traces (false when disabled, or when another instance already does). */
  readonly tracing: boolean
  /** The /metrics port once listening; undefined when disabled or the port could not be bound. */
  readonly metricsPort: Promise<number | undefined>
  /** Spans queued or being exported right now (0 without tracing). */
  pendingSpans(): number
  /** Exports the spans ended so far. Never rejects. */
  forceFlush(): Promise<void>
  /** Flushes and stops everything (idempotent). Never rejects. */
  shutdown(): Promise<void>
}

const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name'
const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const

/** The instance holding OpenTelemetry's globals, if any. */
let tracingOwner: Periscope | undefined

/**
 * Starts the SDK. `env` defaults to the process environment; tests pass their own.
 * Call it before the application imports its frameworks (see register.ts for `node --import`).
 */
export function init(options?: PeriscopeOptions, env?: Record<string, string | undefined>): Periscope {
  try {
    return start(options, env)
  } catch (err) {
    return fallback(err)
  }
}

function start(options: PeriscopeOptions | undefined, env: Record<string, string | undefined> | undefined): Periscope {
  const { config, warnings } = resolveConfig(options, env)
  const redactor = createRedactor(config.redact)
  // The logger comes first so that everything after can report through it.
  const pendingOutputErrors: Array<[string, unknown]> = []
  let reportOutputError = (output: string, err: unknown): void => {
    pendingOutputErrors.push([output, err])
  }
  const output: LogOutput = createLogOutput({
    stdout: config.logToStdout,
    file: config.logFile,
    onError: (o, err) => reportOutputError(o, err),
  })
  const logger = createLogger({
    service: config.serviceName,
    serviceVersion: config.serviceVersion,
    environment: config.environment,
    level: config.logLevel,
    destination: output.destination,
    redact: redactor,
  })
  const sdkLog = logger.child({ component: 'periscope-sdk' })
  reportOutputError = (o, err) => {
    // A failed file is worth saying on the other output; a failed stdout cannot say anything.
    sdkLog.warn({ err, output: o, file: o === 'file' ? config.logFile : undefined }, 'log output failed; its lines are dropped and counted')
  }
  for (const [o, err] of pendingOutputErrors) reportOutputError(o, err)
  for (const w of warnings) sdkLog.warn(`configuration: ${w}`)

  const metrics = createSdkMetrics({ service: config.serviceName, latencyBucketsSeconds: config.latencyBucketsSeconds })
  metrics.countFrom('periscope_sdk_log_lines_dropped_total', 'Log lines not written because an output (file, stdout) failed.', () => output.droppedLines())

  let metricsServer: MetricsServer | undefined
  if (config.metricsPort !== 0) {
    metricsServer = startMetricsServer({
      metrics,
      port: config.metricsPort,
      host: config.metricsHost,
      onError: (err) => sdkLog.warn({ err, port: config.metricsPort }, '/metrics server could not listen; metrics are not exposed'),
    })
  }

  let sdk: NodeSDK | undefined
  let pipeline: SpanPipeline | undefined
  let instrumentations: Instrumentation[] = []
  let tracing = false
  if (config.tracing && tracingOwner !== undefined) {
    sdkLog.warn('tracing is already started by an earlier init() in this process; this instance logs and counts metrics only')
  } else if (config.tracing) {
    try {
      pipeline = createSpanPipeline({
        exporter: createTraceExporter({
          protocol: config.protocol,
          compression: config.compression,
          url: config.tracesUrl,
          headers: config.headers,
          timeoutMs: config.exportTimeoutMs,
          // forceFlush() exports every queued batch at once: allow them all, so a flush never
          // fails on the exporter's own concurrency limit.
          concurrencyLimit: Math.max(30, Math.ceil(config.maxQueueSize / config.maxExportBatchSize) + 1),
        }),
        metrics,
        maxQueueSize: config.maxQueueSize,
        maxExportBatchSize: config.maxExportBatchSize,
        scheduledDelayMs: config.scheduledDelayMs,
        exportTimeoutMs: config.exportTimeoutMs,
        onExportFailing: (err) =>
          sdkLog.warn({ err, endpoint: config.tracesUrl }, 'span export failing; spans are dropped and counted in periscope_sdk_spans_dropped_total'),
        onExportRecovered: (dropped) => sdkLog.info({ droppedSpans: dropped, endpoint: config.tracesUrl }, 'span export recovered'),
      })
      instrumentations = createInstrumentations(config.instrumentations, {
        ...createHttpHooks({ metrics, requestIdHeader: config.requestIdHeader, ignoreLocalPort: () => metricsServer?.port() }),
      })
      const resource = defaultResource()
        .merge(detectResources({ detectors: [envDetector, processDetector, hostDetector] }))
        .merge(
          resourceFromAttributes({
            ...config.resourceAttributes,
            [ATTR_SERVICE_NAME]: config.serviceName,
            ...(config.serviceVersion !== undefined ? { [ATTR_SERVICE_VERSION]: config.serviceVersion } : {}),
            ...(config.environment !== undefined ? { [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: config.environment } : {}),
          }),
        )
      sdk = new NodeSDK({
        resource,
        autoDetectResources: false,
        // ratio 1 is every trace: AlwaysOn says so without hashing each root span's trace id
        // (and without the ratio sampler's one-in-2^32 miss at ratio 1)
        sampler: new ParentBasedSampler({ root: config.sampleRatio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(config.sampleRatio) }),
        spanProcessors: [pipeline.processor],
        textMapPropagator: new CompositePropagator({
          propagators: [
            new W3CTraceContextPropagator(),
            new W3CBaggagePropagator(),
            createRequestIdPropagator({ header: config.requestIdHeader }),
          ],
        }),
        instrumentations,
        // Metrics go out as Prometheus text (prom-client) and logs as JSON lines the agent tails,
        // so the SDK's own metric and log pipelines stay off.
        metricReaders: [],
        logRecordProcessors: [],
      })
      sdk.start()
      tracing = true
    } catch (err) {
      sdkLog.warn({ err }, 'tracing could not start; continuing without it')
      for (const i of instrumentations) safely(() => i.disable())
      sdk = undefined
    }
  }

  let shutdownPromise: Promise<void> | undefined
  const signalHandlers = new Map<string, () => void>()
  let beforeExitFlushed = false
  const onBeforeExit = (): void => {
    // The export timer does not hold the process open; give ended spans one last chance.
    if (beforeExitFlushed || pipeline === undefined || pipeline.pendingSpans() === 0) return
    beforeExitFlushed = true
    void instance.forceFlush()
  }

  const instance: Periscope = {
    config,
    logger,
    metrics,
    tracing,
    metricsPort: metricsServer?.ready ?? Promise.resolve(undefined),
    pendingSpans: () => pipeline?.pendingSpans() ?? 0,
    async forceFlush(): Promise<void> {
      if (pipeline !== undefined) await withTimeout(pipeline.processor.forceFlush(), config.shutdownTimeoutMs)
      safely(() => output.flushSync())
    },
    shutdown(): Promise<void> {
      shutdownPromise ??= (async () => {
        for (const [signal, handler] of signalHandlers) process.removeListener(signal, handler)
        process.removeListener('beforeExit', onBeforeExit)
        if (sdk !== undefined) {
          await withTimeout(sdk.shutdown(), config.shutdownTimeoutMs)
          for (const i of instrumentations) safely(() => i.disable())
          // Release OpenTelemetry's globals so that a later init() in this process can trace.
          safely(() => trace.disable())
          safely(() => propagation.disable())
          safely(() => context.disable())
          if (tracingOwner === instance) tracingOwner = undefined
        }
        await metricsServer?.close()
        await withTimeout(output.close(), config.shutdownTimeoutMs)
      })().catch(() => undefined)
      return shutdownPromise
    },
  }
  if (tracing) tracingOwner = instance

  if (config.handleSignals) {
    for (const signal of SHUTDOWN_SIGNALS) {
      const handler = (): void => {
        void instance.shutdown().finally(() => {
          // With no other listener, the signal's default action (exit) is what the host expects.
          if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
        })
      }
      signalHandlers.set(signal, handler)
      process.once(signal, handler)
    }
  }
  process.on('beforeExit', onBeforeExit)

  sdkLog.info(
    { tracing, tracesUrl: tracing ? config.tracesUrl : undefined, protocol: config.protocol, sampleRatio: config.sampleRatio, metricsPort: config.metricsPort, logFile: config.logFile },
    'periscope sdk started',
  )
  return instance
}

/** What init() returns when starting failed unexpectedly: a logger on stdout and nothing else. */
function fallback(err: unknown): Periscope {
  const logger = pino({ base: { component: 'periscope-sdk' } })
  logger.warn({ err }, 'periscope sdk could not start; the service runs without it')
  const metrics = createSdkMetrics({ service: 'unknown', runtime: false })
  const { config } = resolveConfig({ metricsPort: 0, tracing: false }, {})
  return {
    config,
    logger,
    metrics,
    tracing: false,
    metricsPort: Promise.resolve(undefined),
    pendingSpans: () => 0,
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  }
}

function safely(fn: () => unknown): void {
  try {
    fn()
  } catch {
    // shutting down: nothing useful to do with a failure here
  }
}

function withTimeout(promise: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs)
      timer.unref()
    }),
  ]).finally(() => clearTimeout(timer))
}
