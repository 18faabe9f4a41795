'use client'
/**
 * The whole trace in miniature (one line per span, in waterfall order, coloured by service,
 * errors red), drawn on a canvas so 5,000 spans cost one paint. Dragging selects the viewed
 * window; a double click resets it.
 */
import { useEffect, useRef, useState } from 'react'
import { ERROR_COLOR, serviceColor } from '../../lib/service-colors.ts'
import type { TreeRow } from '../../lib/span-tree.ts'
import { clampView, durationOf, type Bounds, type ViewWindow } from '../../lib/time-bounds.ts'
import type { ModelSpan } from '../../lib/trace-model.ts'

export function Minimap({ rows, bounds, view, onView }: { rows: readonly TreeRow<ModelSpan>[]; bounds: Bounds; view: ViewWindow; onView: (view: ViewWindow) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null)
  const [drag, setDrag] = useState<{ start: number; end: number } | null>(null)

  useEffect(() => {
    const el = canvas.current
    if (!el) return
    const ratio = window.devicePixelRatio || 1
    const w = el.clientWidth * ratio
    const h = el.clientHeight * ratio
    el.width = w
    el.height = h
    const ctx = el.getContext('2d')
    if (!ctx) return
    ctx.clearRect(0, 0, w, h)
    const total = durationOf(bounds) || 1
    const lineH = Math.max(1, h / Math.max(rows.length, 1))
    rows.forEach((row, i) => {
      const span = row.span
      const x = (Number(span.startNs - bounds.startNs) / total) * w
      const width = Math.max(1, (Number(span.durationNs) / total) * w)
      ctx.fillStyle = span.isError ? ERROR_COLOR : serviceColor(span.service)
      ctx.fillRect(x, (i / Math.max(rows.length, 1)) * h, width, Math.min(lineH, 3 * ratio))
    })
  }, [rows, bounds])

  const fraction = (clientX: number) => {
    const rect = canvas.current!.getBoundingClientRect()
    return Math.max(0, Math.min(1, (clientX - rect.left) / rect.width))
  }
  return (
    <div
      className="minimap"
      data-testid="minimap"
      title="drag to zoom, double-click to reset"
      onMouseDown={(e) => {
        const f = fraction(e.clientX)
        setDrag({ start: f, end: f })
      }}
      onMouseMove={(e) => {
        if (drag) setDrag({ ...drag, end: fraction(e.clientX) })
      }}
      onMouseUp={() => {
        if (drag && Math.abs(drag.end - drag.start) > 0.005) onView(clampView(drag.start, drag.end))
        setDrag(null)
      }}
      onMouseLeave={() => setDrag(null)}
      onDoubleClick={() => onView({ start: 0, end: 1 })}
    >
      <canvas ref={canvas} />
      <span className="viewport" style={{ left: `${view.start * 100}%`, width: `${(view.end - view.start) * 100}%` }} />
      {drag ? <span className="dragging" style={{ left: `${Math.min(drag.start, drag.end) * 100}%`, width: `${Math.abs(drag.end - drag.start) * 100}%` }} /> : null}
    </div>
  )
}
