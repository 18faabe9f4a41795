/**
 * The alert evaluator: every `intervalMs` it evaluates every rule of every tenant, moves each
 * alert series through pending → firing → resolved (state-machine.ts), and hands the
 * notifications of firings and resolves to the dispatcher. It runs in its own process
 * (evaluator-main.ts) or inside another (the all-in-one), any number of replicas on one store.
 *
 * Why two replicas never notify twice — three layers, each sound on its own for what it guards:
 * 1. Leadership. Only the holder of the 'evaluator' lease evaluates (lease.ts; renewed every
 *    tick, lasting leaseTtlMs). Replicas that are not leader do nothing but try for the lease.
 * 2. Transitions. Should two replicas both believe they lead (a paused leader whose lease ran
 *    out, clock skew), every transition is a compare-and-set on the series' alert_state version
 *    (versioned-cas.ts): both insert version v+1 with the same dedup token, one row lands, and
 *    only the replica whose row it is writes the event and notifies. Event ids are derived from
 *    (tenant, rule, series, version), so the event of a transition exists at most once.
 * 3. Deliveries. Each (event, channel) is sent by the holder of its delivery lease only
 *    (dispatcher.ts), which outlasts the whole retry schedule; a resumed delivery continues the
 *    attempt count. So a delivery is sent by one process at a time, and retries reuse the event
 *    id and the PagerDuty dedup_key.
 *
 * State survives restarts: the state of every series is read from alert_state at every tick
 * (nothing is cached between ticks), so a pending series keeps its `since` and fires after its
 * for-duration across a restart. What a crash can interrupt is repaired by the next leader:
 * on gaining leadership it re-creates a missing event of the current transition (the crash fell
 * between the state write and the event write), and at every tick it resumes deliveries that
 * have neither succeeded nor finally failed and whose lease has expired (redrive).
 *
 * Evaluation errors (a statement that fails) skip that rule for the tick and keep its state: a
 * failing store never resolves alerts.
 */
import { hostname } from 'node:os'
import { randomUUID } from 'node:crypto'
import type { Logger, SelfMetrics } from '@periscope/runtime'
import { createSelfMetrics } from '@periscope/runtime'
import type { Store } from '@periscope/store'
import { createQueryRunner, type QueryRunner } from '../sql/query-runner.ts'
import { createTenantLimiter } from '../sql/tenant-limiter.ts'
import type { Sender } from '../notify/sender.ts'
import { allSlosQuery, recordOf as sloRecordOf, type SloRecord } from '../slo/slo-store.ts'
import { conditionWindows } from '../slo/burn-conditions.ts'
import type { WindowCounts } from '../slo/sli-query.ts'
import { windowCounts } from '../slo/slo-status.ts'
import { createDispatcher, type Dispatcher } from './dispatcher.ts'
import { allStatesQuery, stateOf, type StateRecord } from './history-store.ts'
import { alertKeyOf, eventIdOf } from './labels.ts'
import { acquireLease, LEADER_LEASE, type LeaseState } from './lease.ts'
import { evaluateRule, type SeriesResult } from './rule-evaluation.ts'
import { allRulesQuery, ruleOf, type RuleRecord } from './rule-store.ts'
import { activeSilencesQuery, silenceOf, type SilenceRecord } from './silence-store.ts'
import { missingEvents, redrive } from './recovery.ts'
import { nextState, type TransitionKind } from './state-machine.ts'
import { writeTransitionEvent } from './transition-event.ts'
import { compareAndSet } from './versioned-cas.ts'

export interface EvaluatorClock {
  nowMs(): number
}

export interface EvaluatorOptions {
  readonly store: Pick<Store, 'client' | 'insert'>
  /** the sender of notifications (notify/sender.ts) */
  readonly notifier: Sender
  readonly logger: Logger
  readonly clock?: EvaluatorClock
  readonly intervalMs?: number
  /** names this evaluator in the leader lease; default <hostname>-<pid> */
  readonly instanceId?: string
  /** one evaluator per registry (its metric names are fixed) */
  readonly metrics?: SelfMetrics
  readonly leaseTtlMs?: number
  readonly evaluationDelayMs?: number
  readonly maxRules?: number
  readonly maxSeriesPerRule?: number
  readonly redriveWindowMs?: number
  readonly delivery?: {
    readonly maxAttempts: number
    /** the delivery lease: longer than the whole retry schedule */
    readonly leaseTtlMs: number
    readonly attemptTimeoutMs: number
    readonly maxConcurrent: number
    readonly maxQueued: number
  }
  readonly links?: { readonly uiBaseUrl: string; readonly exampleTraces: number }
}

export interface TickResult {
  readonly leader: boolean
  readonly rules: number
  readonly transitions: Readonly<Record<Exclude<TransitionKind, 'none'>, number>>
  /** transitions another replica decided first */
  readonly lost: number
  readonly ruleErrors: number
  readonly queued: number
  readonly redriven: number
}

export interface Evaluator {
  readonly instanceId: string
  /** ticks every intervalMs until stop(); the first tick runs at once */
  start(): void
  /** one evaluation of every rule (what the timer runs) */
  tick(): Promise<TickResult>
  /** resolves once no delivery is queued or running */
  idle(): Promise<void>
  /** stops ticking, aborts deliveries (resumed by the next leader), hands the lease back */
  stop(): Promise<void>
}

const NS_PER_MS = 1_000_000n

export function createEvaluator(options: EvaluatorOptions): Evaluator {
  const clock = options.clock ?? { nowMs: () => Date.now() }
  const logger = options.logger
  const intervalMs = options.intervalMs ?? 30_000
  const instanceId = options.instanceId || `${hostname()}-${process.pid}`
  // unique per process even when two share an instance id: what transitions and deliveries are won by
  const writer = `${instanceId}/${randomUUID().slice(0, 8)}`
  const leaseTtlMs = options.leaseTtlMs ?? Math.max(3 * intervalMs, 10_000)
  const evaluationDelayMs = options.evaluationDelayMs ?? 0
  const maxRules = options.maxRules ?? 10_000
  const maxSeriesPerRule = options.maxSeriesPerRule ?? 500
  const redriveWindowMs = options.redriveWindowMs ?? 86_400_000
  const delivery = options.delivery ?? { maxAttempts: 6, leaseTtlMs: 600_000, attemptTimeoutMs: 10_000, maxConcurrent: 8, maxQueued: 1000 }
  const links = options.links ?? { uiBaseUrl: 'http://localhost:3000', exampleTraces: 3 }
  const metrics = options.metrics ?? createSelfMetrics({ service: 'evaluator', defaultMetrics: false })

  const runner: QueryRunner = createQueryRunner({
    store: options.store,
    limiter: createTenantLimiter({ maxConcurrent: 2, maxQueued: 64, maxWaitMs: 60_000, maxTenants: 100_000 }),
    limits: { maxExecutionTimeMs: 60_000, maxResultRows: 1_000_000 },
    metrics,
    logger,
    metricPrefix: 'periscope_evaluator',
  })
  const deps = { store: options.store, runner }
  const dispatcher: Dispatcher = createDispatcher({
    store: options.store,
    runner,
    sender: options.notifier,
    holder: writer,
    nowMs: clock.nowMs,
    maxAttempts: delivery.maxAttempts,
    leaseTtlMs: delivery.leaseTtlMs,
    attemptTimeoutMs: delivery.attemptTimeoutMs,
    maxConcurrent: delivery.maxConcurrent,
    maxQueued: delivery.maxQueued,
    uiBaseUrl: links.uiBaseUrl,
    logger,
    metrics,
  })

  const ticks = metrics.counter<'role'>({ name: 'periscope_evaluator_ticks_total', help: 'evaluations, by role (leader, follower, failed)', labelNames: ['role'] })
  const transitionsTotal = metrics.counter<'kind'>({ name: 'periscope_evaluator_transitions_total', help: 'alert series transitions this evaluator decided, by kind', labelNames: ['kind'] })
  const lostTotal = metrics.counter({ name: 'periscope_evaluator_transitions_lost_total', help: 'transitions another evaluator decided first (compare-and-set lost)' })
  const ruleErrorsTotal = metrics.counter({ name: 'periscope_evaluator_rule_errors_total', help: 'rule evaluations that failed (the rule keeps its state for the tick)' })
  const skippedTotal = metrics.counter<'what'>({ name: 'periscope_evaluator_skipped_total', help: 'rules or series beyond the configured bounds, not evaluated', labelNames: ['what'] })
  const tickSeconds = metrics.histogram({ name: 'periscope_evaluator_tick_duration_seconds', help: 'time of one evaluation of every rule', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] })

  let lease: LeaseState | null = null
  let wasLeader = false
  let timer: NodeJS.Timeout | undefined
  let current: Promise<TickResult> | undefined
  let stopped = false

  async function leadership(nowMs: number): Promise<boolean> {
    try {
      const result = await acquireLease(deps, { ...LEADER_LEASE, holder: instanceId, nowMs, ttlMs: leaseTtlMs })
      lease = result.held ? result.lease : null
      return result.held
    } catch (error) {
      // the store is unreachable: keep leading only while the lease we hold lasts
      logger.warn({ err: error }, 'the leader lease could not be renewed')
      return lease !== null && lease.expiresAtMs > nowMs
    }
  }

  async function tick(): Promise<TickResult> {
    const startedMs = performance.now()
    const nowMs = clock.nowMs()
    const counts = { pending: 0, firing: 0, resolved: 0, cleared: 0 }
    const result = { leader: false, rules: 0, transitions: counts, lost: 0, ruleErrors: 0, queued: 0, redriven: 0 }
    const leader = await leadership(nowMs)
    const becameLeader = leader && !wasLeader
    wasLeader = leader
    if (!leader) {
      ticks.inc({ role: 'follower' })
      return result
    }
    result.leader = true
    const evalNs = BigInt(nowMs - evaluationDelayMs) * NS_PER_MS
    const nowNs = BigInt(nowMs) * NS_PER_MS

    const [rawRules, rawSlos, rawSilences, rawStates] = await Promise.all([
      runner.rows<Parameters<typeof ruleOf>[0]>(allRulesQuery(maxRules + 1), { tenantId: '' }),
      runner.rows<Parameters<typeof sloRecordOf>[0]>(allSlosQuery(100_000), { tenantId: '' }),
      runner.rows<Parameters<typeof silenceOf>[0]>(activeSilencesQuery(nowNs, 100_000), { tenantId: '' }),
      runner.rows<Parameters<typeof stateOf>[0]>(allStatesQuery(1_000_000), { tenantId: '' }),
    ])
    if (rawRules.length > maxRules) {
      skippedTotal.inc({ what: 'rules' })
      logger.warn({ maxRules }, 'more rules than alerting.evaluator.maxRules; the rest are not evaluated — raise the limit')
    }
    const rules = rawRules.slice(0, maxRules).map(ruleOf)
    const slos = new Map(rawSlos.map(sloRecordOf).map((s) => [`${s.tenantId}\u0000${s.id}`, s]))
    const silences = groupBy(rawSilences.map(silenceOf), (s) => s.tenantId)
    const states = groupBy(rawStates.map(stateOf), (s) => `${s.tenantId}\u0000${s.ruleId}`)
    const missing = becameLeader ? await missingEvents(runner, rules, states, nowMs - redriveWindowMs) : new Set<string>()
    result.rules = rules.length
    const sloCounts = sharedSloCounts(rules, evalNs)

    for (const rule of rules) {
      const ruleStates = new Map((states.get(`${rule.tenantId}\u0000${rule.id}`) ?? []).map((s) => [s.alertKey, s]))
      let series: SeriesResult[] = []
      if (rule.enabled) {
        const slo = rule.condition.type === 'slo_burn' ? slos.get(`${rule.tenantId}\u0000${rule.condition.sloId}`) : undefined
        try {
          series = await evaluateRule({ runner, evalNs, maxSeries: maxSeriesPerRule, exampleTraces: links.exampleTraces, sloCounts }, rule, slo)
        } catch (error) {
          result.ruleErrors++
          ruleErrorsTotal.inc()
          logger.warn({ err: error, tenantId: rule.tenantId, ruleId: rule.id }, 'alert rule evaluation failed; its state is kept until the next tick')
          continue
        }
      }
      const byKey = new Map(series.map((s) => [alertKeyOf(s.groupLabels), s]))
      const keys = new Set([...byKey.keys(), ...[...ruleStates.values()].filter((s) => s.state !== 'ok').map((s) => s.alertKey)])
      for (const key of keys) {
        const previous = ruleStates.get(key)
        const current = byKey.get(key)
        const next = nextState(previous, current?.active ?? false, nowMs, rule.forSeconds * 1000)
        try {
          if (next.transition === 'none') {
            if (previous && missing.has(eventIdOf(rule.tenantId, rule.id, key, previous.version))) {
              const kind = previous.state === 'firing' ? 'firing' : 'resolved'
              result.queued += await emit(kind, rule, key, previous.version, previous, current, silences.get(rule.tenantId) ?? [], nowMs)
            }
            continue
          }
          const version = (previous?.version ?? 0) + 1
          const won = await compareAndSet(deps, {
            table: 'alert_state',
            tenantId: rule.tenantId,
            key: [rule.id, key],
            version,
            writer,
            columns: { State: next.state, Since: BigInt(next.sinceMs) * NS_PER_MS, LastEvaluatedAt: nowNs, Value: current?.value ?? 0 },
          })
          if (!won) {
            result.lost++
            lostTotal.inc()
            continue
          }
          counts[next.transition]++
          transitionsTotal.inc({ kind: next.transition })
          if (next.transition === 'firing' || next.transition === 'resolved') {
            result.queued += await emit(next.transition, rule, key, version, previous, current, silences.get(rule.tenantId) ?? [], nowMs)
          }
        } catch (error) {
          result.ruleErrors++
          ruleErrorsTotal.inc()
          logger.warn({ err: error, tenantId: rule.tenantId, ruleId: rule.id, alertKey: key }, 'alert transition failed; retried at the next tick')
        }
      }
    }
    result.redriven = await redrive(runner, dispatcher, BigInt(nowMs - redriveWindowMs) * NS_PER_MS)
    ticks.inc({ role: 'leader' })
    tickSeconds.observe((performance.now() - startedMs) / 1000)
    return result
  }

  /**
   * One statement per SLO and tick: the windows of every enabled burn rule over an SLO are read
   * together the first time one of them asks.
   */
  function sharedSloCounts(rules: readonly RuleRecord[], evalNs: bigint) {
    const windows = new Map<string, Set<string>>()
    for (const rule of rules) {
      if (!rule.enabled || rule.condition.type !== 'slo_burn') continue
      const key = `${rule.tenantId}\u0000${rule.condition.sloId}`
      const set = windows.get(key) ?? new Set<string>()
      for (const w of conditionWindows(rule.condition.conditions ?? [])) set.add(w)
      windows.set(key, set)
    }
    const cache = new Map<string, Promise<ReadonlyMap<string, WindowCounts>>>()
    return (slo: SloRecord, wanted: readonly string[]): Promise<ReadonlyMap<string, WindowCounts>> => {
      const key = `${slo.tenantId}\u0000${slo.id}`
      let counts = cache.get(key)
      if (!counts) {
        counts = windowCounts(runner, { tenantId: slo.tenantId }, slo, evalNs, [...new Set([...(windows.get(key) ?? []), ...wanted])])
        cache.set(key, counts)
      }
      return counts
    }
  }

  /** Writes a transition's event (transition-event.ts) and queues its deliveries; answers how many. */
  async function emit(
    kind: 'firing' | 'resolved',
    rule: RuleRecord,
    key: string,
    version: number,
    previous: StateRecord | undefined,
    series: SeriesResult | undefined,
    tenantSilences: readonly SilenceRecord[],
    nowMs: number,
  ): Promise<number> {
    const event = await writeTransitionEvent({ store: options.store, runner, logger }, { kind, rule, key, version, previous, series, silences: tenantSilences, nowMs })
    let queued = 0
    for (const channelId of event.details.deliverTo) if (dispatcher.enqueue({ event, channelId, attemptsMade: 0 })) queued++
    return queued
  }

  async function handBack(): Promise<void> {
    if (!lease || lease.holder !== instanceId) return
    try {
      await compareAndSet(deps, { table: 'alert_leases', tenantId: LEADER_LEASE.tenantId, key: [LEADER_LEASE.key], version: lease.version + 1, writer: instanceId, columns: { ExpiresAt: BigInt(clock.nowMs()) * NS_PER_MS } })
    } catch (error) {
      logger.warn({ err: error }, 'the leader lease could not be handed back; it expires on its own')
    }
    lease = null
  }

  const schedule = () => {
    if (stopped) return
    timer = setTimeout(() => {
      current = tick()
        .catch((error: unknown) => {
          ticks.inc({ role: 'failed' })
          logger.error({ err: error }, 'alert evaluation failed; alerts are not evaluated until the store answers')
          return undefined as unknown as TickResult
        })
        .finally(schedule)
    }, current === undefined ? 0 : intervalMs)
    timer.unref?.()
  }

  return {
    instanceId,
    start() {
      if (timer !== undefined || stopped) return
      logger.info({ instanceId, intervalMs, leaseTtlMs }, 'alert evaluator started')
      schedule()
    },
    tick,
    idle: () => dispatcher.idle(),
    async stop() {
      stopped = true
      clearTimeout(timer)
      await current?.catch(() => undefined)
      await dispatcher.stop()
      await handBack()
      logger.info({ instanceId }, 'alert evaluator stopped')
    },
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = out.get(k)
    if (list) list.push(item)
    else out.set(k, [item])
  }
  return out
}
