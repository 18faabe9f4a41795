/**
 * Time bounds of a trace and of the part of it the user is looking at. The viewed window is a
 * pair of fractions [start, end] of the trace (0 ≤ start < end ≤ 1), set by dragging on the
 * minimap; bars are positioned as fractions of the viewed window so the waterfall can use
 * percentages and never re-measure.
 */

export interface Bounds {
  startNs: bigint
  endNs: bigint
}

export interface ViewWindow {
  start: number
  end: number
}

export const FULL_VIEW: ViewWindow = { start: 0, end: 1 }

/** Earliest start and latest end; an empty trace has zero bounds. */
export function traceBounds(spans: readonly { startNs: bigint; durationNs: bigint }[]): Bounds {
  let start: bigint | undefined
  let end: bigint | undefined
  for (const span of spans) {
    const e = span.startNs + span.durationNs
    if (start === undefined || span.startNs < start) start = span.startNs
    if (end === undefined || e > end) end = e
  }
  return { startNs: start ?? 0n, endNs: end ?? 0n }
}

export function durationOf(bounds: Bounds): number {
  return Number(bounds.endNs - bounds.startNs)
}

/** The viewed window in absolute ns offsets from the trace start. */
export function viewedRangeNs(bounds: Bounds, view: ViewWindow): { fromNs: number; toNs: number } {
  const total = durationOf(bounds)
  return { fromNs: total * view.start, toNs: total * view.end }
}

/**
 * Where a span's bar goes in the viewed window, as fractions of it (left may be < 0 and
 * left + width > 1 for bars cut by the window). A zero-length trace puts everything at 0.
 */
export function barPosition(startNs: bigint, durationNs: bigint, bounds: Bounds, view: ViewWindow): { left: number; width: number } {
  const { fromNs, toNs } = viewedRangeNs(bounds, view)
  const span = toNs - fromNs
  if (span <= 0) return { left: 0, width: 0 }
  const offset = Number(startNs - bounds.startNs)
  return { left: (offset - fromNs) / span, width: Number(durationNs) / span }
}

/** A window normalised: ordered, clamped to [0, 1], at least minWidth wide. */
export function clampView(a: number, b: number, minWidth = 0.001): ViewWindow {
  let start = Math.max(0, Math.min(1, Math.min(a, b)))
  let end = Math.max(0, Math.min(1, Math.max(a, b)))
  if (end - start < minWidth) {
    const mid = (start + end) / 2
    start = Math.max(0, mid - minWidth / 2)
    end = Math.min(1, start + minWidth)
    start = end - minWidth
  }
  return { start, end }
}
