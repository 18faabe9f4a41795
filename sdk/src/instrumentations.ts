/**
 * The instrumentations init() installs. Constructing one patches its module at once (core modules
 * and diagnostics-channel based ones work whenever init() runs before the first request); the ones
 * that patch a package (express, kafkajs) need the package to be loaded after init() — under ESM
 * that means the import-in-the-middle hook of `register.ts` (`node --import @periscope/sdk/register`).
 * fastify is instrumented through its `fastify.initialization` diagnostics channel, so every
 * fastify instance created after init() is covered without any loader hook.
 */
import { FastifyOtelInstrumentation } from '@fastify/otel'
import type { Instrumentation } from '@opentelemetry/instrumentation'
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express'
import { HttpInstrumentation, type HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http'
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs'
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici'
import type { InstrumentationName } from './config.ts'

export function createInstrumentations(enabled: Record<InstrumentationName, boolean>, http: HttpInstrumentationConfig): Instrumentation[] {
  const out: Instrumentation[] = []
  if (enabled.http) out.push(new HttpInstrumentation(http))
  if (enabled.undici) out.push(new UndiciInstrumentation())
  if (enabled.express) out.push(new ExpressInstrumentation())
  if (enabled.fastify) out.push(new FastifyOtelInstrumentation({ registerOnInitialization: true }) as unknown as Instrumentation)
  if (enabled.kafkajs) out.push(new KafkaJsInstrumentation())
  return out
}
