/**
 * A fixed-row-height virtualiser: which rows of a long list to render for a scroll position,
 * so a 5,000-span waterfall keeps a few dozen rows in the DOM. Rows [start, end) are rendered,
 * shifted down by `offsetPx`; the container's inner height is `totalPx`.
 */

export interface VirtualWindow {
  start: number
  end: number
  offsetPx: number
  totalPx: number
}

export function virtualWindow(options: { count: number; rowHeightPx: number; scrollTopPx: number; viewportPx: number; overscan?: number }): VirtualWindow {
  const { count, rowHeightPx } = options
  const overscan = options.overscan ?? 8
  const totalPx = count * rowHeightPx
  if (count === 0 || rowHeightPx <= 0) return { start: 0, end: 0, offsetPx: 0, totalPx: 0 }
  const scrollTop = Math.max(0, Math.min(options.scrollTopPx, Math.max(0, totalPx - options.viewportPx)))
  const first = Math.floor(scrollTop / rowHeightPx)
  const visible = Math.ceil(Math.max(0, options.viewportPx) / rowHeightPx) + 1
  const start = Math.max(0, first - overscan)
  const end = Math.min(count, first + visible + overscan)
  return { start, end, offsetPx: start * rowHeightPx, totalPx }
}

/** The scrollTop that brings row `index` into view (centred when it is off screen). */
export function scrollTopFor(index: number, rowHeightPx: number, scrollTopPx: number, viewportPx: number): number {
  const top = index * rowHeightPx
  if (top >= scrollTopPx && top + rowHeightPx <= scrollTopPx + viewportPx) return scrollTopPx
  return Math.max(0, top - viewportPx / 2)
}
