'use client'
/** Operations of a service with their share of the service's time (impact); sortable. */
import Link from 'next/link'
import { useState } from 'react'
import type { OperationSummary } from '../../api/types.ts'
import { formatMs, formatPercent, formatRate } from '../../lib/format.ts'
import { nextSort, sortRows, type SortDirection } from '../../lib/sort.ts'

const COLUMNS: { key: keyof OperationSummary | 'impactShare'; label: string }[] = [
  { key: 'name', label: 'Operation' },
  { key: 'rps', label: 'Req/s' },
  { key: 'errorRate', label: 'Errors' },
  { key: 'p50Ms', label: 'p50' },
  { key: 'p95Ms', label: 'p95' },
  { key: 'p99Ms', label: 'p99' },
  { key: 'impact', label: 'Impact' },
]

export function OperationsTable({ operations, tracesHref }: { operations: readonly OperationSummary[]; tracesHref: (operation: string) => string }) {
  const [sort, setSort] = useState<{ key: string; direction: SortDirection }>({ key: 'impact', direction: 'desc' })
  const total = operations.reduce((sum, o) => sum + o.impact, 0)
  const rows = sortRows(operations, (o) => (o as unknown as Record<string, number | string | null>)[sort.key] ?? null, sort.direction)
  return (
    <table className="data" data-testid="operations-table">
      <thead>
        <tr>
          {COLUMNS.map((c) => (
            <th key={c.key} className={`sortable ${c.key === 'name' ? '' : 'num'} ${sort.key === c.key ? 'sorted' : ''}`} onClick={() => setSort(nextSort(sort, c.key))}>
              {c.label}
              {sort.key === c.key ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((o) => {
          const share = o.impactShare ?? (total > 0 ? o.impact / total : 0)
          return (
            <tr key={o.name} data-testid="operation-row">
              <td>
                <Link href={tracesHref(o.name)}>{o.name}</Link>
              </td>
              <td className="num">{formatRate(o.rps)}</td>
              <td className={`num ${o.errorRate >= 0.05 ? 'bad' : ''}`}>{formatPercent(o.errorRate)}</td>
              <td className="num">{formatMs(o.p50Ms)}</td>
              <td className="num">{formatMs(o.p95Ms)}</td>
              <td className="num">{formatMs(o.p99Ms)}</td>
              <td className="num">
                <span className="impact-bar" style={{ width: `${Math.max(1, Math.round(share * 80))}px` }} />
                {formatPercent(share, 1)}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
