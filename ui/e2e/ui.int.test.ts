/**
 * The UI's end-to-end specs as part of the integration project (so `npm test` and CI run them);
 * `npm run test:e2e -w @periscope/ui` runs the same specs alone.
 */
import './ui.e2e.ts'
