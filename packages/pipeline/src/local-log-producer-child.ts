/**
 * Child process of the local log's crash test: sends numbered records as fast as it can, ten
 * concurrent sends at a time (so they share fsyncs), and prints the number of every record whose
 * send resolved success — i.e. that the bus reported durable — until it is killed.
 * argv[2]: JSON { dir, topic }.
 */
import { pino } from 'pino'
import { openBus } from './open-bus.ts'

const { dir, topic } = JSON.parse(process.argv[2] ?? '{}') as { dir: string; topic: string }
const bus = await openBus({ kind: 'local', dir, partitions: 3, groupCommitMs: 1 }, { logger: pino({ level: 'error' }) })
await bus.ensureTopics([topic])
let n = 0
for (;;) {
  const sends: Array<Promise<void>> = []
  for (let i = 0; i < 10; i++) {
    const seq = n++
    sends.push(
      bus.send(topic, [{ key: Buffer.from(`key-${seq % 7}`), value: Buffer.from(`record-${seq}-`.padEnd(200, 'x')), headers: { seq: String(seq) } }]).then((outcome) => {
        if (outcome.status === 'success') process.stdout.write(`${seq}\n`)
      }),
    )
  }
  await Promise.all(sends)
}
