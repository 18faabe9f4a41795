/**
 * `npm start -- --kafka`: the bus is the single-node broker of deploy/kafka (127.0.0.1:39092)
 * instead of the local log. If a broker already answers there it is used and left running;
 * otherwise this start starts it (deploy/kafka/kafka.sh start: fetches the jars with Maven the
 * first time) and stops it again on shutdown.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface KafkaLease {
  /** true when this start started the broker (and will stop it) */
  readonly started: boolean
  release(): Promise<void>
}

export async function startKafka(script: string, env: Readonly<Record<string, string | undefined>>): Promise<KafkaLease> {
  const options = { env: env as NodeJS.ProcessEnv, timeout: 300_000 }
  const running = await run('bash', [script, 'status'], options).then(
    () => true,
    () => false,
  )
  if (running) return { started: false, release: async () => {} }
  try {
    await run('bash', [script, 'start'], options)
  } catch (error) {
    const e = error as { stderr?: string; message: string }
    throw new Error(`the Kafka broker did not start (deploy/kafka/kafka.sh start):\n${e.stderr ?? e.message}`, { cause: error })
  }
  return {
    started: true,
    release: async () => {
      await run('bash', [script, 'stop'], options)
    },
  }
}
