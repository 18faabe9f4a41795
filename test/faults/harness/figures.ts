/**
 * Figures of the last full-suite run, one JSON file per scenario under test/faults/results/
 * (`<name>.json`: { scenario, finishedAt, figures }), from which the README's Reliability
 * section is written. Also printed, so a CI log shows them.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const RESULTS = join(import.meta.dirname, '..', 'results')

export function recordFigures(scenario: string, figures: unknown): void {
  const text = JSON.stringify({ scenario, finishedAt: new Date().toISOString(), figures }, null, 2)
  console.log(text)
  mkdirSync(RESULTS, { recursive: true })
  writeFileSync(join(RESULTS, `${scenario}.json`), `${text}\n`)
}
