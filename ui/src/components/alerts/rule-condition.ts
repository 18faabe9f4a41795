/** One line saying what an alert rule watches, from its condition (the query API's RuleCondition). */
import type { RuleCondition } from '../../api/types.ts'

export function describeCondition(c: RuleCondition, sloName?: (id: string) => string | undefined): string {
  const scope = (service?: string, operation?: string) => (service ? `${service}${operation ? ` ${operation}` : ''}` : 'every service')
  switch (c.type) {
    case 'slo_burn': {
      const name = sloName?.(c.sloId) ?? c.sloId
      const windows = c.conditions?.map((w) => `${w.long}&${w.short} > ${w.burnRate}×`).join(' or ') ?? 'default windows'
      return `SLO ${name} burn rate (${windows})`
    }
    case 'error_rate':
      return `error rate of ${scope(c.service, c.operation)} over ${c.window} > ${c.above * 100}%`
    case 'latency':
      return `p${Math.round((c.quantile ?? 0.99) * 100)} of ${scope(c.service, c.operation)} over ${c.window} > ${c.aboveMs} ms`
    case 'error_logs':
      return `logs ≥ severity ${c.minSeverityNumber ?? 17} of ${scope(c.service)} over ${c.window} > ${c.above}`
  }
}
