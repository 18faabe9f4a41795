'use client'
/**
 * rps and error-rate trends of the listed services for the overview's sparklines: one
 * /services/:name/signals call per service, at most 4 in flight, the first 40 services only
 * (a longer list is sorted by the user before the trend matters).
 */
import { useEffect, useState } from 'react'
import { apiFetch, apiPath } from '../../api/client.ts'
import type { SignalsResponse } from '../../api/types.ts'
import { chooseStepMs, stepParam } from '../../lib/step.ts'

export const MAX_SPARKLINES = 40
const CONCURRENCY = 4

export type Trends = Record<string, { rps: (number | null)[]; errorRate: (number | null)[] }>

export function useSparklines(names: readonly string[], range: { fromMs: number; toMs: number }, tick: number): Trends {
  const [trends, setTrends] = useState<Trends>({})
  const key = names.slice(0, MAX_SPARKLINES).join('\u0000')
  useEffect(() => {
    const controller = new AbortController()
    const list = key ? key.split('\u0000') : []
    const step = stepParam(chooseStepMs(range.toMs - range.fromMs, 30))
    let next = 0
    const out: Trends = {}
    const worker = async () => {
      while (next < list.length && !controller.signal.aborted) {
        const name = list[next++]!
        const result = await apiFetch<SignalsResponse>(apiPath(`/services/${encodeURIComponent(name)}/signals`, { from: range.fromMs, to: range.toMs, step }), { signal: controller.signal }).catch(() => null)
        if (result?.ok) out[name] = { rps: result.data.points.map((p) => p.rps), errorRate: result.data.points.map((p) => p.errorRate) }
      }
    }
    Promise.all(Array.from({ length: CONCURRENCY }, worker)).then(() => {
      if (!controller.signal.aborted) setTrends(out)
    })
    return () => controller.abort()
  }, [key, range.fromMs, range.toMs, tick])
  return trends
}
