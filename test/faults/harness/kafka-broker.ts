/**
 * A Kafka broker of the suite's own, started by deploy/kafka/kafka.sh with its own run directory
 * and ports, so stopping and restarting it mid-stream never touches the shared broker other test
 * runs lease through the integration global setup.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort, REPO_ROOT } from './service-process.ts'

const run = promisify(execFile)
const SCRIPT = join(REPO_ROOT, 'deploy', 'kafka', 'kafka.sh')

export interface DedicatedBroker {
  brokers: string[]
  /** kafka.sh stop: SIGTERM, wait (SIGKILL after 30 s) */
  stop(): Promise<void>
  /** kafka.sh start on the same ports and data */
  start(): Promise<void>
  /** stop and remove its data */
  remove(): Promise<void>
}

export async function dedicatedBroker(): Promise<DedicatedBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'periscope-faults-kafka-'))
  const port = await freePort()
  const env = {
    ...process.env,
    PERISCOPE_KAFKA_RUN_DIR: dir,
    PERISCOPE_KAFKA_PORT: String(port),
    PERISCOPE_KAFKA_CONTROLLER_PORT: String(await freePort()),
    PERISCOPE_KAFKA_HEAP: '384m',
  }
  const kafka = async (command: 'start' | 'stop') => {
    try {
      await run('bash', [SCRIPT, command], { env, timeout: 180_000 })
    } catch (error) {
      const e = error as { stderr?: string; message: string }
      throw new Error(`kafka.sh ${command} (dedicated broker on ${port}) failed: ${e.stderr ?? e.message}`, { cause: error })
    }
  }
  await kafka('start')
  return {
    brokers: [`127.0.0.1:${port}`],
    stop: () => kafka('stop'),
    start: () => kafka('start'),
    async remove() {
      await kafka('stop')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
