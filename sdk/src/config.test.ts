import { describe, expect, it } from 'vitest'
import { DEFAULT_ENDPOINT, DEFAULT_METRICS_PORT, DEFAULT_SERVICE_NAME, resolveConfig } from './config.ts'

describe('resolveConfig', () => {
  it('uses defaults with no options and an empty environment, warning only about the missing service name', () => {
    const { config, warnings } = resolveConfig(undefined, {})
    expect(config.serviceName).toBe(DEFAULT_SERVICE_NAME)
    expect(config.tracesUrl).toBe(`${DEFAULT_ENDPOINT}/v1/traces`)
    expect(config.sampleRatio).toBe(1)
    expect(config.tracing).toBe(true)
    expect(config.metricsPort).toBe(DEFAULT_METRICS_PORT)
    expect(config.logLevel).toBe('info')
    expect(config.logToStdout).toBe(true)
    expect(config.requestIdHeader).toBe('x-request-id')
    expect(config.instrumentations).toEqual({ http: true, undici: true, express: true, fastify: true, kafkajs: true })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('serviceName')
  })

  it('reads the standard OpenTelemetry and Periscope environment variables', () => {
    const { config, warnings } = resolveConfig(undefined, {
      OTEL_SERVICE_NAME: 'checkout',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://agent:4319/',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_NODE_DISABLED_INSTRUMENTATIONS: '@opentelemetry/instrumentation-kafkajs,express',
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      PERISCOPE_LOG_FILE: '/var/log/checkout.log',
      PERISCOPE_LOG_STDOUT: 'false',
      PERISCOPE_METRICS_PORT: '0',
      PERISCOPE_LOG_LEVEL: 'debug',
      PERISCOPE_REDACT_EXTRA_KEYS: 'tenant_code, iban',
    })
    expect(warnings).toEqual([])
    expect(config.serviceName).toBe('checkout')
    expect(config.tracesUrl).toBe('http://agent:4319/v1/traces')
    expect(config.sampleRatio).toBe(0.25)
    expect(config.instrumentations.kafkajs).toBe(false)
    expect(config.instrumentations.express).toBe(false)
    expect(config.instrumentations.http).toBe(true)
    expect(config.maxQueueSize).toBe(100)
    expect(config.logFile).toBe('/var/log/checkout.log')
    expect(config.logToStdout).toBe(false)
    expect(config.metricsPort).toBe(0)
    expect(config.logLevel).toBe('debug')
    expect(config.redact.extraKeys).toEqual(['tenant_code', 'iban'])
  })

  it('lets options win over the environment, and a traces endpoint win over the base endpoint', () => {
    const { config } = resolveConfig(
      { serviceName: 'a', endpoint: 'http://x:1', sampleRatio: 0.5 },
      { OTEL_SERVICE_NAME: 'b', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://y:2/custom', OTEL_TRACES_SAMPLER: 'always_off' },
    )
    expect(config.serviceName).toBe('a')
    expect(config.tracesUrl).toBe('http://y:2/custom')
    expect(config.sampleRatio).toBe(0.5)
  })

  it('turns tracing off with OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none', () => {
    expect(resolveConfig({ serviceName: 's' }, { OTEL_SDK_DISABLED: 'true' }).config.tracing).toBe(false)
    expect(resolveConfig({ serviceName: 's' }, { OTEL_TRACES_EXPORTER: 'none' }).config.tracing).toBe(false)
  })

  it('reads compression from the option, else the traces-specific then the general variable, default none', () => {
    expect(resolveConfig({ serviceName: 's' }, {}).config.compression).toBe('none')
    expect(resolveConfig({ serviceName: 's' }, { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' }).config.compression).toBe('gzip')
    expect(resolveConfig({ serviceName: 's' }, { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'none' }).config.compression).toBe('none')
    expect(resolveConfig({ serviceName: 's', compression: 'gzip' }, { OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'none' }).config.compression).toBe('gzip')
    const { config, warnings } = resolveConfig({ serviceName: 's' }, { OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd' })
    expect(config.compression).toBe('none')
    expect(warnings.join('\n')).toContain('OTEL_EXPORTER_OTLP_COMPRESSION')
  })

  it('replaces every invalid value by its default with a warning naming the setting, never throwing', () => {
    const { config, warnings } = resolveConfig(
      {
        serviceName: '',
        endpoint: 'not a url',
        sampleRatio: 7,
        logLevel: 'loud',
        metricsPort: 70000,
        latencyBucketsSeconds: [1, 0.5],
        maxQueueSize: -1,
        instrumentations: { http: 'yes', grpc: false },
        redact: { keys: 'password' },
        headers: { a: 1 },
        typo: true,
      } as unknown as Parameters<typeof resolveConfig>[0],
      { PERISCOPE_METRICS_PORT: 'abc' },
    )
    expect(config.serviceName).toBe(DEFAULT_SERVICE_NAME)
    expect(config.tracesUrl).toBe(`${DEFAULT_ENDPOINT}/v1/traces`)
    expect(config.sampleRatio).toBe(1)
    expect(config.logLevel).toBe('info')
    expect(config.metricsPort).toBe(DEFAULT_METRICS_PORT)
    expect(config.latencyBucketsSeconds[0]).toBe(0.005)
    expect(config.maxQueueSize).toBe(8192)
    expect(config.instrumentations.http).toBe(true)
    expect(config.redact).toEqual({})
    expect(config.headers).toBeUndefined()
    const text = warnings.join('\n')
    for (const name of ['option serviceName', 'option endpoint', 'option sampleRatio', 'option logLevel', 'option metricsPort', 'option latencyBucketsSeconds', 'option maxQueueSize', 'instrumentations.http', "'grpc'", 'option redact', 'option headers', "'typo'"]) {
      expect(text).toContain(name)
    }
  })

  it('accepts a non-object argument with a warning', () => {
    const { config, warnings } = resolveConfig('checkout', { OTEL_SERVICE_NAME: 'checkout' })
    expect(config.serviceName).toBe('checkout')
    expect(warnings[0]).toContain('must be an object')
  })

  it('names the environment variable when an environment value is invalid', () => {
    const { warnings } = resolveConfig({ serviceName: 's' }, { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: 'half' })
    expect(warnings.join()).toContain('OTEL_TRACES_SAMPLER_ARG')
  })
})
