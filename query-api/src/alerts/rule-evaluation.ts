/**
 * One rule at one instant → its alert series, each active or not, with a value, a summary and
 * the facts a notification shows (`enrich` adds what only a notification needs: the budget left
 * over the whole SLO window, example traces — fetched at transitions, not on every evaluation).
 * Windows end at `evalNs` (the evaluator's now minus its
 * evaluation delay). What fires a series:
 *
 *   slo_burn    evaluateBurnConditions over the SLO's burn rates (one statement for all windows)
 *   error_rate  errors/requests of entry spans > above, with at least minRequests requests
 *   latency     the quantile of all requests' latency (ok and failed; bucket bound, ≤ 1 % high)
 *               > aboveMs, with at least minRequests requests
 *   error_logs  log records with SeverityNumber ≥ minSeverityNumber > above
 *
 * A rule without `service` has one series per service that had data (group label `service`);
 * a series that has no data any more is not returned — the evaluator resolves it.
 */
import { mergeHistograms, quantileFromBuckets } from '@periscope/store'
import { planSignals, signalsQuery, type SignalsRow } from '../queries/golden-signals.ts'
import { PERCENTILES } from '../signals/red.ts'
import type { AlertFacts } from '../notify/notification.ts'
import type { QueryContext, QueryRunner } from '../sql/query-runner.ts'
import { conditionWindows, evaluateBurnConditions, type BurnCondition } from '../slo/burn-conditions.ts'
import { burnRate, errorBudget } from '../slo/slo-math.ts'
import { sloWindowMs, windowCounts } from '../slo/slo-status.ts'
import type { SloRecord } from '../slo/slo-store.ts'
import type { WindowCounts } from '../slo/sli-query.ts'
import { formatWindow, windowMsOrThrow } from '../slo/windows.ts'
import { errorLogCountsQuery, exampleTracesQuery, type ExampleTracesOptions } from './rule-queries.ts'
import type { RuleRecord } from './rule-store.ts'

export interface SeriesResult {
  /** what identifies the series within the rule ({} or {service}) */
  readonly groupLabels: Readonly<Record<string, string>>
  /** further labels silences can match (service, operation, slo) */
  readonly labels: Readonly<Record<string, string>>
  readonly active: boolean
  readonly value: number
  readonly summary: string
  readonly facts: AlertFacts
  /** facts and example traces only a notification needs */
  enrich?(): Promise<{ facts: AlertFacts; traceIds: string[] }>
}

export interface EvaluationContext {
  readonly runner: QueryRunner
  readonly evalNs: bigint
  readonly maxSeries: number
  readonly exampleTraces: number
  /**
   * counts of an SLO over windows ending at evalNs; the evaluator memoizes it per tick so the
   * rules over one SLO (a page and a ticket rule, typically) share one statement
   */
  readonly sloCounts?: (slo: SloRecord, windows: readonly string[]) => Promise<ReadonlyMap<string, WindowCounts>>
}

const NS_PER_MS = 1_000_000n
const DEFAULT_MIN_SEVERITY = 17

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(2)} %`
}

export async function evaluateRule(ctx: EvaluationContext, rule: RuleRecord, slo: SloRecord | undefined): Promise<SeriesResult[]> {
  const condition = rule.condition
  switch (condition.type) {
    case 'slo_burn':
      return slo ? [await evaluateBurn(ctx, slo, condition.conditions ?? [])] : []
    case 'error_rate':
    case 'latency':
      return evaluateSignals(ctx, rule)
    case 'error_logs':
      return evaluateErrorLogs(ctx, rule)
  }
}

async function evaluateBurn(ctx: EvaluationContext, slo: SloRecord, conditions: readonly BurnCondition[]): Promise<SeriesResult> {
  const context: QueryContext = { tenantId: slo.tenantId }
  const windows = conditionWindows(conditions)
  const counts = ctx.sloCounts ? await ctx.sloCounts(slo, windows) : await windowCounts(ctx.runner, context, slo, ctx.evalNs, windows)
  const rates = Object.fromEntries(windows.map((w) => [w, burnRate(counts.get(w)!, slo.objective)]))
  const verdict = evaluateBurnConditions(conditions, rates)
  const shown = verdict.matched ?? conditions[0]!
  const pair = `${shown.long}/${shown.short}`
  const summary = verdict.active
    ? `${slo.name}: ${slo.service} burns its error budget at ${verdict.value.toFixed(1)}× over ${pair} (threshold ${shown.burnRate}×, objective ${slo.objective} %)`
    : `${slo.name}: ${slo.service} burns its error budget at ${verdict.value.toFixed(2)}×, under every threshold`
  const labels = { service: slo.service, slo: slo.name, ...(slo.operation ? { operation: slo.operation } : {}) }
  const sloFacts = (budgetRemaining: number) => ({ id: slo.id, name: slo.name, objective: slo.objective, burnRate: verdict.value, windows: pair, budgetRemaining })
  return {
    groupLabels: {},
    labels,
    active: verdict.active,
    value: verdict.value,
    summary,
    facts: { service: slo.service, operation: slo.operation || undefined },
    async enrich() {
      const window = formatWindow(sloWindowMs(slo))
      const overall = (await windowCounts(ctx.runner, context, slo, ctx.evalNs, [window])).get(window)!
      const shortMs = windowMsOrThrow(shown.short)
      const traceIds = await examples(ctx, {
        tenantId: slo.tenantId,
        service: slo.service,
        operation: slo.operation,
        fromNs: ctx.evalNs - BigInt(shortMs) * NS_PER_MS,
        toNs: ctx.evalNs,
        kind: slo.sli === 'latency' ? 'slow' : 'error',
        thresholdNs: slo.thresholdNs,
      })
      return { facts: { service: slo.service, operation: slo.operation || undefined, slo: sloFacts(errorBudget(overall, slo.objective).remaining) }, traceIds }
    },
  }
}

async function evaluateSignals(ctx: EvaluationContext, rule: RuleRecord): Promise<SeriesResult[]> {
  const condition = rule.condition
  if (condition.type !== 'error_rate' && condition.type !== 'latency') throw new Error(`not a signals rule: ${condition.type}`)
  const windowMs = windowMsOrThrow(condition.window)
  const range = { fromNs: ctx.evalNs - BigInt(windowMs) * NS_PER_MS, toNs: ctx.evalNs }
  const plan = planSignals(range, { minRangeMs: 0, source: 'rollup' })
  const rows = await ctx.runner.rows<SignalsRow>(
    signalsQuery({ tenantId: rule.tenantId, plan, groupBy: 'service', service: condition.service, operation: condition.operation }),
    { tenantId: rule.tenantId },
  )
  const minRequests = condition.minRequests ?? 1
  return rows.slice(0, ctx.maxSeries).map((row): SeriesResult => {
    const service = row.key
    const requests = Number(row.requests)
    const groupLabels: Record<string, string> = condition.service === undefined ? { service } : {}
    const labels = { service, ...(condition.operation ? { operation: condition.operation } : {}) }
    const where = `${service}${condition.operation ? ` ${condition.operation}` : ''}`
    if (condition.type === 'error_rate') {
      const rate = requests > 0 ? Number(row.errors) / requests : 0
      const active = requests >= minRequests && rate > condition.above
      return {
        groupLabels,
        labels,
        active,
        value: rate,
        summary: `${where}: error rate ${pct(rate)} over ${condition.window} (${requests} requests; threshold ${pct(condition.above)})`,
        facts: { service, operation: condition.operation, threshold: condition.above, unit: '(fraction)', window: condition.window },
        enrich: async () => ({
          facts: { service, operation: condition.operation, threshold: condition.above, unit: '(fraction)', window: condition.window },
          traceIds: await examples(ctx, { tenantId: rule.tenantId, service, operation: condition.operation ?? '', fromNs: range.fromNs, toNs: range.toNs, kind: 'error' }),
        }),
      }
    }
    const q = condition.quantile ?? PERCENTILES.p99
    const histogram = mergeHistograms([row.latencyOk, row.latencyError])
    const valueNs = quantileFromBuckets(histogram, q)
    const valueMs = valueNs === undefined ? 0 : Math.min(valueNs, Number(row.durationMaxNs)) / 1e6
    const active = requests >= minRequests && valueMs > condition.aboveMs
    const name = q === 0.99 ? 'p99' : `p${+(q * 100).toFixed(3)}`
    const facts = { service, operation: condition.operation, threshold: condition.aboveMs, unit: 'ms', window: condition.window }
    return {
      groupLabels,
      labels,
      active,
      value: valueMs,
      summary: `${where}: ${name} latency ${valueMs.toFixed(1)} ms over ${condition.window} (threshold ${condition.aboveMs} ms)`,
      facts,
      enrich: async () => ({
        facts,
        traceIds: await examples(ctx, { tenantId: rule.tenantId, service, operation: condition.operation ?? '', fromNs: range.fromNs, toNs: range.toNs, kind: 'slow', thresholdNs: condition.aboveMs * 1e6 }),
      }),
    }
  })
}

async function evaluateErrorLogs(ctx: EvaluationContext, rule: RuleRecord): Promise<SeriesResult[]> {
  const condition = rule.condition
  if (condition.type !== 'error_logs') throw new Error(`not an error-log rule: ${condition.type}`)
  const windowMs = windowMsOrThrow(condition.window)
  const fromNs = ctx.evalNs - BigInt(windowMs) * NS_PER_MS
  const minSeverity = condition.minSeverityNumber ?? DEFAULT_MIN_SEVERITY
  const rows = await ctx.runner.rows<{ service: string; count: string }>(
    errorLogCountsQuery({ tenantId: rule.tenantId, fromNs, toNs: ctx.evalNs, minSeverity, service: condition.service, limit: ctx.maxSeries }),
    { tenantId: rule.tenantId },
  )
  return rows.map((row): SeriesResult => {
    const count = Number(row.count)
    const facts = { service: row.service, threshold: condition.above, unit: 'log records', window: condition.window }
    return {
      groupLabels: condition.service === undefined ? ({ service: row.service } as Record<string, string>) : {},
      labels: { service: row.service },
      active: count > condition.above,
      value: count,
      summary: `${row.service}: ${count} log records at severity ≥ ${minSeverity} over ${condition.window} (threshold ${condition.above})`,
      facts,
      enrich: async () => ({
        facts,
        traceIds: await examples(ctx, { tenantId: rule.tenantId, service: row.service, operation: '', fromNs, toNs: ctx.evalNs, kind: 'error_logs', minSeverity }),
      }),
    }
  })
}

async function examples(ctx: EvaluationContext, options: Omit<ExampleTracesOptions, 'limit'>): Promise<string[]> {
  if (ctx.exampleTraces <= 0) return []
  const rows = await ctx.runner.rows<{ traceId: string }>(exampleTracesQuery({ ...options, limit: ctx.exampleTraces }), { tenantId: options.tenantId })
  return rows.map((r) => r.traceId)
}
