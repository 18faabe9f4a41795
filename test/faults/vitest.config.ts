import { join } from 'node:path'
import { defineConfig } from 'vitest/config'

/**
 * The whole reliability suite (`npm run test:faults`): the full-scale scenarios (`*.fault.ts`,
 * run only here) and the bounded CI subset (`*.int.test.ts`, also run by `npm test` through the
 * root integration project). Files run one at a time: the scenarios measure latency, kill
 * processes and restart a broker, and must not compete with each other for two cores.
 * The Kafka global setup is the integration project's (a broker for files that mention Kafka).
 */
export default defineConfig({
  root: join(import.meta.dirname, '..', '..'),
  test: {
    env: { TZ: 'UTC' },
    pool: 'forks',
    include: ['test/faults/**/*.fault.ts', 'test/faults/**/*.int.test.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['test/setup/kafka-global-setup.ts'],
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 15 * 60_000,
    hookTimeout: 5 * 60_000,
  },
})
