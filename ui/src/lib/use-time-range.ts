'use client'
/**
 * The page's time range and auto-refresh, read from and written to the URL
 * (`from`, `to`, `refresh`). `tick` advances on every refresh; `range` is re-resolved then, so
 * "now-1h" keeps moving.
 */
import { usePathname, useRouter, useSearchParams } from 'next/navigation'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { DEFAULT_RANGE, parseIntervalMs, resolveRange, type RangeSpec, type ResolvedRange } from './time-range.ts'

export interface TimeRangeState {
  spec: RangeSpec
  range: ResolvedRange
  refresh: string
  tick: number
  setSpec(spec: RangeSpec): void
  setRefresh(refresh: string): void
  reload(): void
  /** the current query string with other params replaced (undefined removes one) */
  hrefWith(pathname: string, changes: Record<string, string | undefined>): string
}

export function useTimeRange(): TimeRangeState {
  const params = useSearchParams()
  const router = useRouter()
  const pathname = usePathname()
  const spec: RangeSpec = { from: params.get('from') ?? DEFAULT_RANGE.from, to: params.get('to') ?? DEFAULT_RANGE.to }
  const refresh = params.get('refresh') ?? 'off'
  const [tick, setTick] = useState(0)
  // tick is a dependency on purpose: a relative range ("now-1h") moves forward on each refresh
  const range = useMemo(() => resolveRange({ from: spec.from, to: spec.to }, Date.now()), [spec.from, spec.to, tick])

  useEffect(() => {
    const ms = parseIntervalMs(refresh)
    if (ms === null) return
    const id = setInterval(() => setTick((t) => t + 1), Math.max(5000, ms))
    return () => clearInterval(id)
  }, [refresh])

  const hrefWith = useCallback(
    (path: string, changes: Record<string, string | undefined>) => {
      const next = new URLSearchParams(params.toString())
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined || value === '') next.delete(key)
        else next.set(key, value)
      }
      const qs = next.toString()
      return qs ? `${path}?${qs}` : path
    },
    [params],
  )

  return {
    spec,
    range,
    refresh,
    tick,
    setSpec: (s) => router.push(hrefWith(pathname, { from: s.from, to: s.to })),
    setRefresh: (r) => router.replace(hrefWith(pathname, { refresh: r === 'off' ? undefined : r })),
    reload: () => setTick((t) => t + 1),
    hrefWith,
  }
}

/** Only the time params of the current URL, to carry them across links. */
export function timeQuery(spec: RangeSpec, refresh: string): string {
  const p = new URLSearchParams({ from: spec.from, to: spec.to })
  if (refresh !== 'off') p.set('refresh', refresh)
  return p.toString()
}
