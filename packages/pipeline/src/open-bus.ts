/**
 * The one place that knows which bus a process runs on. Everything else holds a `Bus`.
 */
import { Value } from 'typebox/value'
import type { Bus } from './bus.ts'
import { BusConfigSchema, type BusConfig } from './bus-config.ts'
import type { BusDeps } from './bus-deps.ts'

export async function openBus(config: BusConfig, deps?: BusDeps): Promise<Bus> {
  if (!Value.Check(BusConfigSchema, config)) {
    const problems = [...Value.Errors(BusConfigSchema, config)].map((e) => `${e.instancePath || '/'} ${e.message}`)
    throw new Error(`invalid bus configuration: ${problems.join('; ')}`)
  }
  switch (config.kind) {
    case 'local': {
      const { openLocalLogBus } = await import('./local-log-bus.ts')
      return openLocalLogBus(config, deps)
    }
    case 'kafka': {
      // loaded only when used, so the embedded shape never loads kafkajs
      const { openKafkaBus } = await import('./kafka-bus.ts')
      return openKafkaBus(config, deps)
    }
  }
}
