'use client'
/**
 * The waterfall: a header with the time axis, then a virtualised list of span rows (and
 * inline log rows). Only the rows in view (plus overscan) are in the DOM, so 5,000 spans
 * scroll smoothly; row height is fixed (--row-h).
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import { timeTicks } from '../../lib/ticks.ts'
import { viewedRangeNs, type ViewWindow } from '../../lib/time-bounds.ts'
import type { TraceModel } from '../../lib/trace-model.ts'
import { scrollTopFor, virtualWindow } from '../../lib/virtual-window.ts'
import { displayRows } from '../../lib/waterfall-rows.ts'
import { LogRow } from './LogRow.tsx'
import { SpanRow } from './SpanRow.tsx'
import { Ticks } from './Ticks.tsx'

export const ROW_HEIGHT_PX = 24

export function Waterfall(props: {
  model: TraceModel
  view: ViewWindow
  collapsed: ReadonlySet<string>
  selected: string | null
  showLogs: boolean
  showCritical: boolean
  onToggle: (spanId: string) => void
  onSelect: (spanId: string) => void
  /** scrolled into view once, on first render (a link to a span) */
  focusSpanId?: string | null
}) {
  const { model, view } = props
  const body = useRef<HTMLDivElement>(null)
  const [scroll, setScroll] = useState({ top: 0, height: 600 })
  const logCounts = useMemo(() => new Map([...model.logsBySpan].map(([id, logs]) => [id, logs.length])), [model])
  const rows = useMemo(() => displayRows(model.rows, props.collapsed, logCounts, props.showLogs), [model, props.collapsed, logCounts, props.showLogs])
  const { fromNs, toNs } = viewedRangeNs(model.bounds, view)
  const ticks = useMemo(() => timeTicks(fromNs, toNs, 6), [fromNs, toNs])

  useEffect(() => {
    const el = body.current
    if (!el) return
    const update = () => setScroll({ top: el.scrollTop, height: el.clientHeight })
    update()
    const observer = new ResizeObserver(update)
    observer.observe(el)
    return () => observer.disconnect()
  }, [])

  useEffect(() => {
    const el = body.current
    if (!el || !props.focusSpanId) return
    const index = rows.findIndex((r) => r.kind === 'span' && model.rows[r.rowIndex]!.span.spanId === props.focusSpanId)
    if (index >= 0) el.scrollTop = scrollTopFor(index, ROW_HEIGHT_PX, el.scrollTop, el.clientHeight)
    // only on first render: later selections come from clicks on visible rows
  }, [])

  const win = virtualWindow({ count: rows.length, rowHeightPx: ROW_HEIGHT_PX, scrollTopPx: scroll.top, viewportPx: scroll.height, overscan: 10 })
  return (
    <div className="waterfall" data-testid="waterfall" data-row-count={rows.length}>
      <div className="wf-header">
        <div className="name-col">
          Service / operation <span className="muted">({model.rows.length} spans)</span>
        </div>
        <Ticks ticks={ticks} />
      </div>
      <div className="wf-body" ref={body} data-testid="waterfall-body" onScroll={(e) => setScroll({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}>
        <div style={{ height: win.totalPx }} />
        <div className="wf-rows" style={{ top: win.offsetPx }}>
          {rows.slice(win.start, win.end).map((r) => {
            const row = model.rows[r.rowIndex]!
            if (r.kind === 'log') {
              const log = model.logsBySpan.get(row.span.spanId)![r.logIndex]!
              return <LogRow key={`${row.span.spanId}-log-${r.logIndex}`} log={log} depth={row.depth} offsetNs={BigInt(log.timeUnixNano) - model.bounds.startNs} onSelect={() => props.onSelect(row.span.spanId)} />
            }
            const spanId = row.span.spanId
            return (
              <SpanRow
                key={spanId}
                row={row}
                collapsed={props.collapsed.has(spanId)}
                selected={props.selected === spanId}
                bounds={model.bounds}
                view={view}
                ticks={ticks}
                critical={props.showCritical ? model.criticalBySpan.get(spanId) : undefined}
                logs={model.logsBySpan.get(spanId)}
                onToggle={props.onToggle}
                onSelect={props.onSelect}
              />
            )
          })}
        </div>
      </div>
    </div>
  )
}
