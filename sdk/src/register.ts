/**
 * Entry for `node --import @periscope/sdk/register app.js` (with tsx: `node --import tsx
 * --import @periscope/sdk/register app.ts`): installs the import-in-the-middle loader hook so that
 * packages imported afterwards as ES modules (express, kafkajs) can be instrumented, then calls
 * init() with the configuration from the environment (OTEL_SERVICE_NAME,
 * OTEL_EXPORTER_OTLP_ENDPOINT, PERISCOPE_LOG_FILE… see config.ts).
 *
 * The application reaches the same instance, for its logger, with
 * `import { periscope } from '@periscope/sdk/register'`.
 */
import { register } from 'node:module'
import { createAddHookMessageChannel } from 'import-in-the-middle'
import { init, type Periscope } from './init.ts'

let hookError: unknown
let waitForHooks: () => Promise<void> = () => Promise.resolve()
try {
  // Only modules an instrumentation asked for go through the hook: the rest of the application
  // loads exactly as without the SDK.
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel()
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions)
  waitForHooks = waitForAllMessagesAcknowledged
} catch (err) {
  hookError = err
}

export const periscope: Periscope = init()
if (hookError !== undefined) {
  periscope.logger.warn({ err: hookError, component: 'periscope-sdk' }, 'ESM loader hook unavailable; express and kafkajs imported as ES modules are not instrumented')
}
await waitForHooks()
