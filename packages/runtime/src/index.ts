/**
 * @periscope/runtime — what every Periscope service needs around its own logic: validated frozen
 * config, the pino logger, coded errors and the problem+json error handler, self metrics,
 * health/readiness/metrics routes, and graceful shutdown.
 */
export { loadConfig, loadConfigOrExit, ConfigError, formatIssue, type ConfigIssue, type DeepPartial, type ExitOptions, type LoadConfigOptions } from './config/load-config.ts'
export { toUpperSnake } from './config/env-names.ts'
export { createLogger, LOG_LEVELS, type Logger, type LoggerOptions, type LogLevel } from './logger.ts'
export { createError, isPeriscopeError, PeriscopeError, type PeriscopeErrorClass } from './errors.ts'
export { problemErrorHandler, problemNotFoundHandler, PROBLEM_CONTENT_TYPE, type Problem } from './problem-error-handler.ts'
export { createSelfMetrics, type CountsOptions, type GaugeOptions, type HistogramOptions, type MetricOptions, type SelfMetrics, type SelfMetricsOptions } from './self-metrics.ts'
export { registerOperationalRoutes, type OperationalRoutesOptions, type Readiness } from './operational-routes.ts'
export { onShutdown, type Shutdown, type ShutdownOptions, type ShutdownStep } from './shutdown.ts'
export { createCachedLookup, type CachedLookup, type CachedLookupOptions } from './cached-lookup.ts'
