'use client'
import { apiPath } from '../../api/client.ts'
import type { ServicesResponse } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { timeQuery, useTimeRange } from '../../lib/use-time-range.ts'
import { Guard } from '../layout/StateViews.tsx'
import { ServicesTable } from './ServicesTable.tsx'
import { useSloBudgets } from './use-slo-budgets.ts'
import { useSparklines } from './use-sparklines.ts'

export function ServicesOverview() {
  const { spec, refresh, range, tick } = useTimeRange()
  const state = useApi<ServicesResponse>(apiPath('/services', { from: range.fromMs, to: range.toMs }), tick)
  const names = state.data?.services.map((s) => s.name) ?? []
  const trends = useSparklines(names, range, tick)
  const budgets = useSloBudgets(tick)
  return (
    <div data-testid="page-services">
      <h1>Services</h1>
      <Guard state={state} what="services" isEmpty={(d) => d.services.length === 0} empty="No requests reached any service in this time range.">
        {(data) => <ServicesTable services={data.services} trends={trends} budgets={budgets} query={timeQuery(spec, refresh)} />}
      </Guard>
    </div>
  )
}
