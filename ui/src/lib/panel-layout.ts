/**
 * Arranging a board: panels flow left to right in their order on a 24-column grid, a panel
 * that does not fit the row starts the next one. Moving a panel is a change of order; its
 * width is its own. The stored layout (x, y, w, h) is recomputed from order and width, so a
 * saved board always satisfies the query API's rule (x + w ≤ 24).
 */
import type { Panel } from '../api/types.ts'

export const GRID_COLUMNS = 24
export const WIDTHS = [6, 8, 12, 16, 24] as const

/** Panels in reading order of their stored layout (y, then x). */
export function inReadingOrder(panels: readonly Panel[]): Panel[] {
  return [...panels].sort((a, b) => a.layout.y - b.layout.y || a.layout.x - b.layout.x)
}

/** x/y recomputed by flowing the panels in the given order; height kept. */
export function packLayout(panels: readonly Panel[]): Panel[] {
  let x = 0
  let y = 0
  let rowHeight = 0
  return panels.map((panel) => {
    const w = Math.max(1, Math.min(GRID_COLUMNS, panel.layout.w))
    if (x + w > GRID_COLUMNS) {
      y += rowHeight
      x = 0
      rowHeight = 0
    }
    const placed = { ...panel, layout: { x, y, w, h: panel.layout.h } }
    x += w
    rowHeight = Math.max(rowHeight, panel.layout.h)
    return placed
  })
}

/** The panel at `index` moved by `delta` places (clamped), then packed. */
export function movePanel(panels: readonly Panel[], index: number, delta: number): Panel[] {
  const ordered = inReadingOrder(panels)
  const target = Math.max(0, Math.min(ordered.length - 1, index + delta))
  if (target === index || !ordered[index]) return packLayout(ordered)
  const [panel] = ordered.splice(index, 1)
  ordered.splice(target, 0, panel!)
  return packLayout(ordered)
}

/** The next width in WIDTHS (wider) or the previous one (narrower), then packed. */
export function resizePanel(panels: readonly Panel[], index: number, wider: boolean): Panel[] {
  const ordered = inReadingOrder(panels)
  const panel = ordered[index]
  if (!panel) return packLayout(ordered)
  const w = panel.layout.w
  const next = wider ? WIDTHS.find((x) => x > w) ?? GRID_COLUMNS : [...WIDTHS].reverse().find((x) => x < w) ?? WIDTHS[0]
  ordered[index] = { ...panel, layout: { ...panel.layout, w: next } }
  return packLayout(ordered)
}

/** A panel id not used on the board. */
export function newPanelId(panels: readonly Panel[]): string {
  const used = new Set(panels.map((p) => p.id))
  for (let i = panels.length + 1; ; i++) if (!used.has(`p${i}`)) return `p${i}`
}
