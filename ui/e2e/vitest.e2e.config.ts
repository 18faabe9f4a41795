import { defineConfig } from 'vitest/config'

/** The UI's end-to-end specs alone: `npm run test:e2e -w @periscope/ui` (from ui/) or `npm run test:e2e`. */
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['e2e/**/*.e2e.ts'],
    env: { TZ: 'UTC' },
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 900_000,
    fileParallelism: false,
  },
})
