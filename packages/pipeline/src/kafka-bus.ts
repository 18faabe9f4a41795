import type { Bus } from './bus.ts'
import type { KafkaBusConfig } from './bus-config.ts'
import type { BusDeps } from './bus-deps.ts'

export async function openKafkaBus(_config: KafkaBusConfig, _deps?: BusDeps): Promise<Bus> {
  throw new Error('KafkaBus is not implemented yet')
}
