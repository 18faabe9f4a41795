'use client'
/** Services overview: one row per service with traffic, errors, latency, budget and trends; sortable. */
import Link from 'next/link'
import { useState } from 'react'
import type { ServiceSummary } from '../../api/types.ts'
import { formatMs, formatPercent, formatRate } from '../../lib/format.ts'
import { serviceColor, ERROR_COLOR } from '../../lib/service-colors.ts'
import { nextSort, sortRows, type SortDirection } from '../../lib/sort.ts'
import { Sparkline } from '../charts/Sparkline.tsx'
import type { Trends } from './use-sparklines.ts'

type Key = 'name' | 'rps' | 'errorRate' | 'p50' | 'p95' | 'p99' | 'budget'

const COLUMNS: { key: Key; label: string; numeric: boolean }[] = [
  { key: 'name', label: 'Service', numeric: false },
  { key: 'rps', label: 'Req/s', numeric: true },
  { key: 'errorRate', label: 'Errors', numeric: true },
  { key: 'p50', label: 'p50', numeric: true },
  { key: 'p95', label: 'p95', numeric: true },
  { key: 'p99', label: 'p99', numeric: true },
  { key: 'budget', label: 'SLO budget left', numeric: true },
]

export function ServicesTable({ services, trends, budgets, query }: { services: readonly ServiceSummary[]; trends: Trends; budgets: Record<string, number>; query: string }) {
  const [sort, setSort] = useState<{ key: string; direction: SortDirection }>({ key: 'rps', direction: 'desc' })
  const value = (s: ServiceSummary): number | string | null => {
    switch (sort.key as Key) {
      case 'name': return s.name
      case 'rps': return s.rps
      case 'errorRate': return s.errorRate
      case 'p50': return s.latencyMs.p50
      case 'p95': return s.latencyMs.p95
      case 'p99': return s.latencyMs.p99
      case 'budget': return budgets[s.name] ?? null
    }
  }
  const rows = sortRows(services, value, sort.direction)
  return (
    <table className="data" data-testid="services-table">
      <thead>
        <tr>
          {COLUMNS.map((c) => (
            <th
              key={c.key}
              className={`sortable ${c.numeric ? 'num' : ''} ${sort.key === c.key ? 'sorted' : ''}`}
              onClick={() => setSort(nextSort(sort, c.key))}
              data-testid={`sort-${c.key}`}
              aria-sort={sort.key === c.key ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
            >
              {c.label}
              {sort.key === c.key ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
            </th>
          ))}
          <th>Traffic trend</th>
          <th>Error trend</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => {
          const budget = budgets[s.name]
          const trend = trends[s.name]
          return (
            <tr key={s.name} data-testid="service-row" data-service={s.name}>
              <td>
                <span className="swatch" style={{ background: serviceColor(s.name) }} />
                <Link href={`/services/${encodeURIComponent(s.name)}?${query}`}>{s.name}</Link>
              </td>
              <td className="num">{formatRate(s.rps)}</td>
              <td className={`num ${s.errorRate >= 0.05 ? 'bad' : s.errorRate > 0.01 ? 'warn' : ''}`}>{formatPercent(s.errorRate)}</td>
              <td className="num">{formatMs(s.latencyMs.p50)}</td>
              <td className="num">{formatMs(s.latencyMs.p95)}</td>
              <td className="num">{formatMs(s.latencyMs.p99)}</td>
              <td className={`num ${budget !== undefined && budget < 0.25 ? 'bad' : ''}`} data-testid="slo-budget-left">
                {budget === undefined ? '–' : formatPercent(budget, 1)}
              </td>
              <td>
                <Sparkline values={trend?.rps ?? []} color={serviceColor(s.name)} testid="sparkline-rps" />
              </td>
              <td>
                <Sparkline values={trend?.errorRate ?? []} color={ERROR_COLOR} testid="sparkline-errors" />
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
