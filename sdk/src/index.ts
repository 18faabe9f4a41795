/**
 * @periscope/sdk — one-call instrumentation for Node services: traces over OTLP/HTTP to the local
 * agent, correlated and redacted JSON logs, request ids, and Prometheus metrics.
 */
export { init, type Periscope } from './init.ts'
export { resolveConfig, DEFAULT_ENDPOINT, DEFAULT_METRICS_PORT, type PeriscopeOptions, type ResolvedConfig, type LogLevel, type InstrumentationName } from './config.ts'
export { createLogger, createLogOutput, correlationFields, type Logger, type LoggerOptions, type LogOutput, type LogOutputOptions } from './logger.ts'
export { createRedactor, luhnValid, DEFAULT_REDACT_KEYS, type RedactOptions, type Redactor } from './redact.ts'
export {
  REQUEST_ID_HEADER,
  REQUEST_ID_ATTRIBUTE,
  currentRequestId,
  withRequestId,
  isValidRequestId,
  createRequestIdPropagator,
} from './request-id.ts'
export { setHttpRoute } from './http-hooks.ts'
export { createSdkMetrics, DEFAULT_LATENCY_BUCKETS_SECONDS, type SdkMetrics, type SdkMetricsOptions } from './metrics.ts'
