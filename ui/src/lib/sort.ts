/** Sorting of table rows by a numeric or text column; missing values (null) always sort last. */

export type SortDirection = 'asc' | 'desc'

export function sortRows<T>(rows: readonly T[], value: (row: T) => number | string | null | undefined, direction: SortDirection): T[] {
  const sign = direction === 'asc' ? 1 : -1
  return rows
    .map((row, index) => ({ row, index, v: value(row) }))
    .sort((a, b) => {
      const an = a.v === null || a.v === undefined || (typeof a.v === 'number' && Number.isNaN(a.v))
      const bn = b.v === null || b.v === undefined || (typeof b.v === 'number' && Number.isNaN(b.v))
      if (an || bn) return an === bn ? a.index - b.index : an ? 1 : -1
      const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v))
      return c !== 0 ? sign * c : a.index - b.index
    })
    .map((x) => x.row)
}

/** Next direction when a header is clicked: a new column starts descending (worst first). */
export function nextSort(current: { key: string; direction: SortDirection }, key: string): { key: string; direction: SortDirection } {
  if (current.key !== key) return { key, direction: 'desc' }
  return { key, direction: current.direction === 'desc' ? 'asc' : 'desc' }
}
