/**
 * The rows the waterfall draws, in order: each visible span, followed by its logs when logs
 * are shown inline. The virtualiser renders a window of this list, so its length is what
 * scrolls (5,000 spans → 5,000 rows plus the logs).
 */
import { visibleRows, type TreeRow, type TreeSpanInput } from './span-tree.ts'

export type DisplayRow = { kind: 'span'; rowIndex: number } | { kind: 'log'; rowIndex: number; logIndex: number }

export function displayRows<S extends TreeSpanInput>(rows: readonly TreeRow<S>[], collapsed: ReadonlySet<string>, logCountBySpan: ReadonlyMap<string, number>, showLogs: boolean): DisplayRow[] {
  const out: DisplayRow[] = []
  for (const rowIndex of visibleRows(rows, collapsed)) {
    out.push({ kind: 'span', rowIndex })
    if (!showLogs) continue
    const count = logCountBySpan.get(rows[rowIndex]!.span.spanId) ?? 0
    for (let logIndex = 0; logIndex < count; logIndex++) out.push({ kind: 'log', rowIndex, logIndex })
  }
  return out
}
