/**
 * Vitest global setup of the integration project: makes a real Kafka broker available and hands
 * its bootstrap address to tests through `provide('kafkaBrokers')` (read with
 * `inject('kafkaBrokers')`, a comma-separated host:port list).
 *
 * - PERISCOPE_KAFKA_BROKERS set: that broker is used, nothing is started.
 * - Otherwise deploy/kafka/kafka.sh `acquire` registers this run as a lease (serialised by a lock
 *   file), reuses a broker already listening on the port (another run, a developer's
 *   `npm run kafka:start`), and starts one otherwise. Teardown `release`s the lease; the broker
 *   stops when the last lease is gone, and only if a lease started it.
 * - A broker that cannot start fails the run with the broker's log tail. Kafka tests never skip.
 * - Nothing starts when no selected test file mentions Kafka (a chdb-only run stays quick). A
 *   file that needs the broker names it (`inject('kafkaBrokers')`, `kind: 'kafka'`), so the test
 *   files are searched for "kafka". In watch mode the decision of the first run holds.
 */
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { TestProject } from 'vitest/node'
import { loadKafkaSetupConfig } from './config.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string
  }
}

const run = promisify(execFile)
const script = join(import.meta.dirname, '..', '..', 'deploy', 'kafka', 'kafka.sh')
/** covers fetching the jars with Maven on a cold cache plus the broker's own 90 s start bound */
const ACQUIRE_TIMEOUT_MS = 240_000

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = loadKafkaSetupConfig()
  if (config.externalBrokers) {
    project.provide('kafkaBrokers', config.externalBrokers.join(','))
    return async () => {}
  }
  if (!(await selectedFilesMentionKafka(project))) return async () => {}
  const lease = String(process.pid)
  try {
    await run('bash', [script, 'acquire', lease], { env: config.scriptEnv, timeout: ACQUIRE_TIMEOUT_MS })
  } catch (error) {
    const e = error as { stderr?: string; message: string }
    throw new Error(`the Kafka broker for integration tests did not start (deploy/kafka/kafka.sh acquire):\n${e.stderr ?? e.message}`, {
      cause: error,
    })
  }
  project.provide('kafkaBrokers', `127.0.0.1:${config.port}`)
  return async () => {
    await run('bash', [script, 'release', lease], { env: config.scriptEnv, timeout: 60_000 }).catch((error: unknown) => {
      console.error('kafka global setup: releasing the broker failed', error)
    })
  }
}

async function selectedFilesMentionKafka(project: TestProject): Promise<boolean> {
  // the CLI file filters; an internal field of vitest: when it is absent every file counts
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern
  const { testFiles } = await project.globTestFiles(filters)
  for (const file of testFiles) if (/kafka/i.test(await readFile(file, 'utf8'))) return true
  return false
}
