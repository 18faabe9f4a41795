/**
 * `npm run bench:alerts`: what SLOs and alerting cost on the embedded engine, with 30 days of
 * per-minute golden-signal rollups for 20 services × 5 operations (4.3M rollup rows, made inside
 * the engine) and a few minutes of raw spans at the edges.
 *
 * Scenarios (each bounded by ITERATIONS or SCENARIO_BUDGET_MS):
 *   slo status 30d     GET /slos/:id/status of availability and latency SLOs over 30 days
 *                      through the whole app (inject): p50/p95 wall ms, median CPU ms
 *   evaluator tick     one evaluation of 100 rules (40 page + 40 ticket burn rules over 40 SLOs,
 *                      20 error-rate rules over all services): p50/p95 wall ms, median CPU ms;
 *                      goal: p95 within the default 30 s interval
 * The engine runs in this process, so its CPU is counted too.
 *
 * Options: --days=N --services=N --iterations=N
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { createLogger, createSelfMetrics } from '@periscope/runtime'
import { migrate, openStore } from '@periscope/store'
import { build } from '@periscope/query-api/app'
import { createQueryToken } from '@periscope/query-api/api'
import { defaultAppConfig } from '@periscope/query-api/config'
import { createEvaluator, type Sender } from '@periscope/query-api/evaluator'
import { measureCpu, median, quantile, report, type BenchRow } from '../lib/measure.ts'

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]))
const DAYS = Number(args.days ?? 30)
const SERVICES = Number(args.services ?? 20)
const OPERATIONS = 5
const ITERATIONS = Number(args.iterations ?? 20)
const SCENARIO_BUDGET_MS = 120_000
const TENANT = 'bench'

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'periscope-bench-alerts-'))
  const store = await openStore({ mode: 'embedded', path: join(dir, 'db') })
  const rows: BenchRow[] = []
  try {
    await migrate(store)
    // data ends at the current minute; times are relative to it
    const nowMs = Math.floor(Date.now() / 60_000) * 60_000 + 20_500
    const endS = Math.floor(nowMs / 60_000) * 60
    const minutes = DAYS * 1440
    const generateMs = performance.now()
    await store.client.command({
      query: `INSERT INTO golden_signals_1m
SELECT '${TENANT}', concat('svc-', toString(n % ${SERVICES})), concat('op-', toString(intDiv(n, ${SERVICES}) % ${OPERATIONS})),
       toDateTime(${endS} - 60 * (1 + intDiv(n, ${SERVICES * OPERATIONS})), 'UTC'),
       toUInt64(600), toUInt64(if(n % 97 = 0, 60, 1)), toUInt64(600 * 20000000), toUInt64(900000000),
       map(toUInt16(1600), toUInt64(500), toUInt16(1750), toUInt64(99 - if(n % 97 = 0, 59, 0))), map(toUInt16(1700), toUInt64(if(n % 97 = 0, 60, 1)))
FROM (SELECT number AS n FROM numbers(${SERVICES * OPERATIONS * minutes}))
SETTINGS max_insert_threads = 2`,
    })
    console.log(`generated ${SERVICES * OPERATIONS * minutes} rollup rows in ${Math.round(performance.now() - generateMs)} ms`)

    const metrics = createSelfMetrics({ service: 'bench-alerts', defaultMetrics: false })
    const logger = createLogger({ service: 'bench-alerts', level: 'silent' })
    const app = await build({ config: defaultAppConfig(), logger, store, metrics, clock: { nowMs: () => nowMs } })
    const token = await createQueryToken(store, TENANT, 'editor')
    const headers = { authorization: `Bearer ${token.plaintext}` }
    const post = async <T>(url: string, payload: object): Promise<T> => {
      const r = await app.inject({ method: 'POST', url: `/api/v1${url}`, headers, payload })
      if (r.statusCode !== 201) throw new Error(`${url}: ${r.statusCode} ${r.body}`)
      return r.json<T>()
    }
    const sloIds: string[] = []
    for (let s = 0; s < SERVICES; s++) {
      sloIds.push((await post<{ id: string }>('/slos', { name: `svc-${s} availability`, service: `svc-${s}`, sli: 'availability', objective: 99.9 })).id)
      sloIds.push((await post<{ id: string }>('/slos', { name: `svc-${s} latency`, service: `svc-${s}`, sli: 'latency', objective: 99, thresholdMs: 40 })).id)
    }
    for (const sloId of sloIds) {
      await post('/alert-rules', { name: `page ${sloId}`, severity: 'page', condition: { type: 'slo_burn', sloId } })
      await post('/alert-rules', { name: `ticket ${sloId}`, severity: 'ticket', condition: { type: 'slo_burn', sloId } })
    }
    for (let i = 0; i < SERVICES; i++) await post('/alert-rules', { name: `errors ${i}`, severity: 'ticket', condition: { type: 'error_rate', window: `${5 + i}m`, above: 0.05 } })

    for (const [label, id] of [['availability', sloIds[0]!], ['latency', sloIds[1]!]] as const) {
      const wall: number[] = []
      const cpu: number[] = []
      const started = performance.now()
      for (let i = 0; i < ITERATIONS && performance.now() - started < SCENARIO_BUDGET_MS; i++) {
        const sample = await measureCpu(async () => {
          const r = await app.inject({ method: 'GET', url: `/api/v1/slos/${id}/status`, headers })
          if (r.statusCode !== 200) throw new Error(`status: ${r.statusCode} ${r.body}`)
        })
        wall.push(sample.wallMs)
        cpu.push(sample.cpuMs)
      }
      const scenario = `slo status ${DAYS}d ${label}`
      rows.push({ scenario, metric: 'p50 wall', value: median(wall), unit: 'ms' }, { scenario, metric: 'p95 wall', value: quantile(wall, 0.95), unit: 'ms' }, { scenario, metric: 'median CPU', value: median(cpu), unit: 'ms' })
    }

    const silent: Sender = { deliver: async () => ({ status: 'sent', attempts: 1, httpStatus: 200, error: '' }) }
    const evaluator = createEvaluator({ store, notifier: silent, logger, clock: { nowMs: () => nowMs }, instanceId: `bench-${randomUUID().slice(0, 4)}`, metrics: createSelfMetrics({ service: 'bench-evaluator', defaultMetrics: false }) })
    const wall: number[] = []
    const cpu: number[] = []
    const started = performance.now()
    let rules = 0
    for (let i = 0; i < ITERATIONS && performance.now() - started < SCENARIO_BUDGET_MS; i++) {
      const sample = await measureCpu(async () => {
        rules = (await evaluator.tick()).rules
        await evaluator.idle()
      })
      wall.push(sample.wallMs)
      cpu.push(sample.cpuMs)
    }
    await evaluator.stop()
    const scenario = `evaluator tick, ${rules} rules`
    rows.push(
      { scenario, metric: 'p50 wall', value: median(wall), unit: 'ms' },
      { scenario, metric: 'p95 wall', value: quantile(wall, 0.95), unit: 'ms', goal: '<= 30000' },
      { scenario, metric: 'median CPU', value: median(cpu), unit: 'ms' },
    )
    await app.close()
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
  report('alerts', rows)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
