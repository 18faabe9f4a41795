/**
 * Multi-window, multi-burn-rate alert conditions (SRE workbook, chapter 5): a condition holds
 * when the burn rate over BOTH its long and its short window is above its threshold — the long
 * window proves the budget is really being spent, the short one that it still is (so the alert
 * resolves soon after the errors stop). A rule is active when any of its conditions holds.
 *
 * Defaults for a 30-day window:
 *   page:   1h and 5m both > 14.4 (2 % of the budget in an hour), or 6h and 30m both > 6 (5 % in 6 h)
 *   ticket: 3d and 6h both > 1 (10 % in 3 days)
 */

export interface BurnCondition {
  /** e.g. '1h' */
  readonly long: string
  /** e.g. '5m' */
  readonly short: string
  /** the burn rate both windows must exceed */
  readonly burnRate: number
}

export const PAGE_CONDITIONS: readonly BurnCondition[] = [
  { long: '1h', short: '5m', burnRate: 14.4 },
  { long: '6h', short: '30m', burnRate: 6 },
]

export const TICKET_CONDITIONS: readonly BurnCondition[] = [{ long: '3d', short: '6h', burnRate: 1 }]

export function defaultBurnConditions(severity: 'page' | 'ticket' | 'info'): readonly BurnCondition[] {
  return severity === 'page' ? PAGE_CONDITIONS : TICKET_CONDITIONS
}

export interface BurnVerdict {
  readonly active: boolean
  /** the first condition that holds, or null */
  readonly matched: BurnCondition | null
  /**
   * the rule's value: over the conditions, the largest min(long, short) burn rate — the burn
   * both windows of that condition exceed (what "burn rate" means in a notification)
   */
  readonly value: number
}

/** `rates` holds the burn rate of every window the conditions name. */
export function evaluateBurnConditions(conditions: readonly BurnCondition[], rates: Readonly<Record<string, number>>): BurnVerdict {
  let matched: BurnCondition | null = null
  let value = 0
  for (const condition of conditions) {
    const long = rates[condition.long]
    const short = rates[condition.short]
    if (long === undefined || short === undefined) throw new Error(`burn rates for ${condition.long}/${condition.short} were not computed`)
    value = Math.max(value, Math.min(long, short))
    if (matched === null && long > condition.burnRate && short > condition.burnRate) matched = condition
  }
  return { active: matched !== null, matched, value }
}

/** Every window the conditions name, without repeats. */
export function conditionWindows(conditions: readonly BurnCondition[]): string[] {
  return [...new Set(conditions.flatMap((c) => [c.long, c.short]))]
}
