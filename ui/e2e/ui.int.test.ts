/**
 * The UI's end-to-end specs as part of the integration project (so `npm test` and CI run them),
 * in one file so they share one stack (shared-stack.ts); `npm run test:e2e -w @periscope/ui`
 * runs each spec file alone.
 */
import './ui.e2e.ts'
import './xss.e2e.ts'
