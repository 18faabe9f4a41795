/**
 * Alert rules in `alert_rules` (ReplacingMergeTree(Version, Deleted)). Kind is the condition's
 * type; Definition is JSON {condition, forSeconds, labels}; Severity, ChannelIds and Enabled
 * have their own columns. An slo_burn rule is stored with its burn conditions spelled out (the
 * severity's defaults when the input had none), so what runs is what GET shows.
 */
import type { AlertRuleRow } from '@periscope/store'
import type { AlertRuleInput, RuleCondition } from '../schemas/alerting.ts'
import type { SqlQuery } from '../sql/query-runner.ts'
import { defaultBurnConditions } from '../slo/burn-conditions.ts'

export const RULES_TABLE = 'alert_rules'

export type Severity = 'page' | 'ticket' | 'info'

export interface RuleRecord {
  readonly tenantId: string
  readonly id: string
  readonly name: string
  readonly kind: RuleCondition['type']
  readonly severity: Severity
  readonly condition: RuleCondition
  readonly channelIds: readonly string[]
  readonly enabled: boolean
  readonly forSeconds: number
  readonly labels: Readonly<Record<string, string>>
  readonly version: string
  readonly createdAtNs: string
  readonly updatedAtNs: string
}

interface Definition {
  condition: RuleCondition
  forSeconds: number
  labels: Record<string, string>
}

interface RawRule {
  tenantId: string
  id: string
  name: string
  kind: string
  severity: string
  definition: string
  channelIds: string[]
  enabled: boolean | number
  version: string
  createdAtNs: string
  updatedAtNs: string
}

const COLUMNS = `TenantId AS tenantId, RuleId AS id, Name AS name, Kind AS kind, Severity AS severity, Definition AS definition,
       ChannelIds AS channelIds, Enabled AS enabled, Version AS version,
       toUnixTimestamp64Nano(CreatedAt) AS createdAtNs, toUnixTimestamp64Nano(UpdatedAt) AS updatedAtNs`

export function ruleOf(raw: RawRule): RuleRecord {
  const definition = JSON.parse(raw.definition) as Definition
  return {
    tenantId: raw.tenantId,
    id: raw.id,
    name: raw.name,
    kind: definition.condition.type,
    severity: raw.severity as Severity,
    condition: definition.condition,
    channelIds: raw.channelIds,
    enabled: raw.enabled === true || raw.enabled === 1,
    forSeconds: definition.forSeconds,
    labels: definition.labels,
    version: raw.version,
    createdAtNs: raw.createdAtNs,
    updatedAtNs: raw.updatedAtNs,
  }
}

export function getRuleQuery(tenantId: string, id: string): SqlQuery {
  return {
    name: 'rules.get',
    sql: `SELECT ${COLUMNS} FROM alert_rules FINAL WHERE TenantId = {tenantId:String} AND RuleId = {id:String} AND Deleted = 0`,
    params: { tenantId, id },
  }
}

export function listRulesQuery(tenantId: string, limit: number): SqlQuery {
  return {
    name: 'rules.list',
    sql: `SELECT ${COLUMNS} FROM alert_rules FINAL WHERE TenantId = {tenantId:String} AND Deleted = 0 ORDER BY name, id LIMIT {limit:UInt32}`,
    params: { tenantId, limit },
  }
}

/** Every tenant's rules, enabled or not (a disabled rule resolves what it had firing). */
export function allRulesQuery(limit: number): SqlQuery {
  return {
    name: 'rules.all',
    sql: `SELECT ${COLUMNS} FROM alert_rules FINAL WHERE Deleted = 0 ORDER BY tenantId, id LIMIT {limit:UInt32}`,
    params: { limit },
    unscoped: true,
  }
}

/** The condition as it will run: burn conditions filled in from the severity when absent. */
export function normalizeCondition(condition: RuleCondition, severity: Severity): RuleCondition {
  if (condition.type !== 'slo_burn' || condition.conditions !== undefined) return condition
  return { ...condition, conditions: defaultBurnConditions(severity).map((c) => ({ ...c })) }
}

export function ruleRowOf(tenantId: string, id: string, input: AlertRuleInput, at: { createdAtNs: bigint; version: bigint }, deleted = false): AlertRuleRow {
  const condition = normalizeCondition(input.condition, input.severity)
  const definition: Definition = { condition, forSeconds: input.forSeconds ?? 0, labels: input.labels ?? {} }
  return {
    TenantId: tenantId,
    RuleId: id,
    Name: input.name,
    Kind: condition.type,
    Definition: JSON.stringify(definition),
    Severity: input.severity,
    ChannelIds: [...(input.channelIds ?? [])],
    Enabled: input.enabled ?? true,
    CreatedAt: at.createdAtNs,
    UpdatedAt: at.version,
    Version: at.version,
    Deleted: deleted ? 1 : 0,
  }
}

export function ruleInputOf(rule: RuleRecord): AlertRuleInput {
  return { name: rule.name, severity: rule.severity, condition: rule.condition, channelIds: [...rule.channelIds], enabled: rule.enabled, forSeconds: rule.forSeconds, labels: { ...rule.labels } }
}
