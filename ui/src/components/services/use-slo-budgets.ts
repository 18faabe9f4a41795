'use client'
/**
 * Error budget left per service, from the SLO routes (/slos and /slos/:id/status). When a
 * service has several SLOs the smallest budget left is shown; without SLOs (or when a read
 * fails) the column shows "–".
 */
import { useEffect, useState } from 'react'
import { apiFetch, apiPath } from '../../api/client.ts'
import type { SloStatus, SlosResponse } from '../../api/types.ts'
import { slosOf } from '../slos/slo-list.ts'

export function useSloBudgets(tick: number): Record<string, number> {
  const [budgets, setBudgets] = useState<Record<string, number>>({})
  useEffect(() => {
    const controller = new AbortController()
    ;(async () => {
      const list = await apiFetch<SlosResponse>(apiPath('/slos'), { signal: controller.signal })
      if (!list.ok) return
      const out: Record<string, number> = {}
      for (const slo of slosOf(list.data).slice(0, 100)) {
        const status = await apiFetch<SloStatus>(apiPath(`/slos/${encodeURIComponent(slo.id)}/status`), { signal: controller.signal })
        if (!status.ok) continue
        const remaining = status.data.errorBudget.remaining
        const prev = out[slo.service]
        out[slo.service] = prev === undefined ? remaining : Math.min(prev, remaining)
      }
      if (!controller.signal.aborted) setBudgets(out)
    })().catch(() => {})
    return () => controller.abort()
  }, [tick])
  return budgets
}
