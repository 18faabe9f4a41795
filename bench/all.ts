/**
 * `npm run bench [-- --quick] [-- --only=a,b] [-- --skip=a,b] [-- --reuse=a,b]`: every benchmark
 * of issue #12, in sequence, then ONE table (suite: scenario, metric, value, unit, goal, met),
 * also written to bench/results/<date>.json under `all` with the core count (measure.ts report()).
 *
 * Each suite is its area's own main.ts, run as a child process (chdb binds one data directory per
 * process, and a suite's CPU must not be another's); each merges its rows into the results file
 * under its own name, from which this reads them back. No suite's logic is repeated here.
 *
 *   model      decode/encode/row mapping, spans per CPU-second                 bench/model
 *   sdk        µs CPU per span (goal ≤ 3)                                      bench/sdk
 *   collector  spans/s per core; CPU at 10k spans/s (goal ≤ 0.25 core)         bench/collector
 *   agent      CPU and RSS at 10k lines/s (goals ≤ 0.2 core, ≤ 150 MiB)        bench/agent
 *   bus        produce/consume, local log and Kafka                            bench/bus
 *   store      the insert serializer; embedded inserts                         bench/store
 *   ingest     bus → ClickHouse as a ratio to B_CH (raw insert), same run      bench/ingest
 *   e2e        OTLP → collector → bus → ingest → rows vs B_CH (≥ 0.6 local, ≥ 0.3 Kafka);
 *              file tail → agent → rows (≥ 20k lines/s)                        bench/e2e
 *   freshness  span end → queryable p99 at half the maximum rate (≤ 5 s)      bench/freshness
 *   storage    bytes per span / log line, compression (≥ 8×), protobuf/disk   bench/storage
 *   query      10M spans / 10M logs: trace by id, golden signals rollup vs raw bench/query
 *   alerts     SLO status over 30 days of rollups; a 100-rule evaluator tick    bench/alerts
 *
 * Every scenario inside a suite is bounded (≤ 2 min) by the suite itself; SUITE_TIMEOUT_MS here
 * is the backstop that kills a suite that hangs (reported as failed, never silently dropped).
 * --quick: small sizes, local bus only (for development; not for the README's figures).
 * --reuse=a,b: do not run those suites; show their rows from today's results file, labelled with
 * the time they were measured (e.g. the query suite's 10M-row data takes minutes to generate).
 * Exit code 1 when a suite failed; missed goals are shown in the table, not as a failure.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { report, type BenchRow } from './lib/measure.ts'

interface Suite {
  name: string
  args: string[]
  quickArgs: string[]
  timeoutMs: number
}

const SUITES: Suite[] = [
  { name: 'model', args: [], quickArgs: [], timeoutMs: 5 * 60_000 },
  { name: 'sdk', args: [], quickArgs: [], timeoutMs: 8 * 60_000 },
  { name: 'collector', args: [], quickArgs: ['null'], timeoutMs: 12 * 60_000 },
  { name: 'agent', args: [], quickArgs: [], timeoutMs: 5 * 60_000 },
  { name: 'bus', args: [], quickArgs: ['--local-only'], timeoutMs: 10 * 60_000 },
  { name: 'store', args: [], quickArgs: [], timeoutMs: 5 * 60_000 },
  { name: 'ingest', args: [], quickArgs: ['--local-only'], timeoutMs: 10 * 60_000 },
  { name: 'e2e', args: [], quickArgs: ['--quick', '--local-only'], timeoutMs: 10 * 60_000 },
  { name: 'freshness', args: [], quickArgs: ['--quick'], timeoutMs: 5 * 60_000 },
  { name: 'storage', args: [], quickArgs: ['--quick'], timeoutMs: 5 * 60_000 },
  { name: 'query', args: [], quickArgs: ['--spans=200000', '--logs=200000', '--iterations=10'], timeoutMs: 25 * 60_000 },
  { name: 'alerts', args: [], quickArgs: ['--days=2', '--iterations=5'], timeoutMs: 15 * 60_000 },
]

const argv = process.argv.slice(2)
const quick = argv.includes('--quick')
const listArg = (flag: string): Set<string> => new Set(argv.filter((a) => a.startsWith(`--${flag}=`)).flatMap((a) => a.slice(flag.length + 3).split(',')).filter(Boolean))
const only = listArg('only')
const skip = listArg('skip')
const reuse = listArg('reuse')
for (const name of [...only, ...skip, ...reuse]) if (!SUITES.some((s) => s.name === name)) throw new Error(`no suite '${name}'; suites: ${SUITES.map((s) => s.name).join(', ')}`)

const resultsFile = (): string => join(import.meta.dirname, 'results', `${new Date().toISOString().slice(0, 10)}.json`)

interface SuiteResult {
  at: string
  rows: BenchRow[]
}

function readSuite(name: string): SuiteResult | undefined {
  const file = resultsFile()
  if (!existsSync(file)) return undefined
  return (JSON.parse(readFileSync(file, 'utf8')) as Record<string, SuiteResult | undefined>)[name]
}

/** Runs one suite's main.ts; resolves with its exit code, or 'timeout' after killing it. */
function runSuite(suite: Suite): Promise<number | 'timeout'> {
  const script = join(import.meta.dirname, suite.name, 'main.ts')
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...(quick ? suite.quickArgs : suite.args)], {
    stdio: 'inherit',
    env: { ...process.env, TZ: 'UTC' },
    // its own process group, so a timeout ends the suite and the children it started
    detached: true,
  })
  return new Promise((resolve) => {
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
    }, suite.timeoutMs)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      resolve(timedOut ? 'timeout' : (code ?? (signal ? 128 : 1)))
    })
  })
}

const rows: BenchRow[] = []
let failed = 0
for (const suite of SUITES) {
  if ((only.size > 0 && !only.has(suite.name) && !reuse.has(suite.name)) || skip.has(suite.name)) continue
  if (reuse.has(suite.name)) {
    const earlier = readSuite(suite.name)
    if (!earlier) {
      rows.push({ scenario: `${suite.name}: no result today to reuse`, metric: 'not run', value: Number.NaN, unit: '' })
      continue
    }
    for (const r of earlier.rows) rows.push({ ...r, scenario: `${suite.name} (measured ${earlier.at.slice(11, 16)} UTC): ${r.scenario}` })
    continue
  }
  console.log(`\n=== ${suite.name} ${quick ? '(quick)' : ''} ===`)
  const startedAt = new Date().toISOString()
  const t0 = performance.now()
  const outcome = await runSuite(suite)
  const seconds = (performance.now() - t0) / 1000
  const result = readSuite(suite.name)
  if (outcome !== 0 || !result || result.at < startedAt) {
    failed++
    rows.push({ scenario: `${suite.name}: FAILED (${outcome === 'timeout' ? `killed after ${suite.timeoutMs / 60_000} min` : `exit ${outcome}`})`, metric: 'no result', value: Number.NaN, unit: '' })
    continue
  }
  for (const r of result.rows) rows.push({ ...r, scenario: `${suite.name}: ${r.scenario}` })
  rows.push({ scenario: `${suite.name}`, metric: 'suite wall time', value: seconds, unit: 's' })
}

console.log(`\n=== all${quick ? ' (quick: small sizes, local bus only)' : ''} ===`)
// report() re-checks every goal from its text, so `met` is the same as in the suite's own table
// NaN (a scenario that produced no figure) is stored as null in JSON; it prints as NaN again
report(quick ? 'all (quick)' : 'all', rows.map(({ met: _met, ...r }) => ({ ...r, value: typeof r.value === 'number' ? r.value : Number.NaN })))
const missed = rows.filter((r) => r.goal && r.met === false).length
console.log(`${rows.filter((r) => r.goal).length} goals, ${missed} missed, ${failed} suite(s) failed`)
process.exitCode = failed > 0 ? 1 : 0
