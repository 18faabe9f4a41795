import { defineConfig } from 'vitest/config'

/**
 * Two projects: `unit` (no network, no engines, fast) and `integration` (real chdb, the real
 * Kafka broker from deploy/kafka started once by the global setup, the local log).
 * Every test file runs in its own forked process, so each can bind its own chdb data directory
 * (the embedded engine takes one directory per process).
 */
export default defineConfig({
  test: {
    env: { TZ: 'UTC' },
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/src/**/*.test.ts', 'sdk/**/*.test.ts', 'deploy/**/*.test.ts', 'bench/**/*.test.ts', 'ui/src/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.int.test.ts'],
          // unit files run first, then the integration files with their own worker count
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['test/setup/kafka-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // chdb and the broker share two cores: keep integration files from starving each other
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})
