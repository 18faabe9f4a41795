/**
 * Child process of the bus contract suite's crash test: a slow consumer that reports each batch
 * when it starts and when its handler is about to return, so the parent can SIGKILL it while a
 * batch is in flight. argv[2]: JSON { config, topic, groupId, delayMs }.
 * stdout, one JSON object per line:
 *   {"event":"start","partition":p,"offsets":["0","1",…]}   handler entered
 *   {"event":"done","partition":p,"offsets":[…]}            handler about to resolve (commit follows)
 */
import { pino } from 'pino'
import type { BusConfig } from './bus-config.ts'
import { openBus } from './open-bus.ts'

const args = JSON.parse(process.argv[2] ?? '{}') as { config: BusConfig; topic: string; groupId: string; delayMs: number }
const bus = await openBus(args.config, { logger: pino({ level: 'error' }) })
await bus.consume({
  groupId: args.groupId,
  topics: [args.topic],
  async eachBatch(batch) {
    const offsets = batch.records.map((r) => r.offset)
    process.stdout.write(JSON.stringify({ event: 'start', partition: batch.partition, offsets }) + '\n')
    await new Promise((resolve) => setTimeout(resolve, args.delayMs))
    process.stdout.write(JSON.stringify({ event: 'done', partition: batch.partition, offsets }) + '\n')
  },
})
process.stdout.write(JSON.stringify({ event: 'running' }) + '\n')
