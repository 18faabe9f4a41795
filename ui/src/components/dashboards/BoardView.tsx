'use client'
/** A board's panels on the 24-column grid, with arrange controls when editing. */
import type { Panel } from '../../api/types.ts'
import { GRID_COLUMNS, inReadingOrder } from '../../lib/panel-layout.ts'
import { PanelBody } from './PanelView.tsx'

const ROW_PX = 52

export function BoardView(props: {
  panels: readonly Panel[]
  range: { fromMs: number; toMs: number }
  tick: number
  editing: boolean
  onMove?: (index: number, delta: number) => void
  onResize?: (index: number, wider: boolean) => void
  onRemove?: (index: number) => void
}) {
  const ordered = inReadingOrder(props.panels)
  return (
    <div className="board" style={{ gridTemplateColumns: `repeat(${GRID_COLUMNS}, minmax(0, 1fr))` }} data-testid="board">
      {ordered.map((panel, i) => (
        <section
          key={panel.id}
          className="panel"
          data-testid="board-panel"
          style={{ gridColumn: `${panel.layout.x + 1} / span ${panel.layout.w}`, gridRow: `${panel.layout.y + 1} / span ${panel.layout.h}`, minHeight: panel.layout.h * ROW_PX }}
        >
          <div className="panel-head">
            <span className="title">{panel.title}</span>
            {props.editing ? (
              <span className="tools">
                <button type="button" title="move earlier" onClick={() => props.onMove?.(i, -1)}>←</button>
                <button type="button" title="move later" onClick={() => props.onMove?.(i, 1)}>→</button>
                <button type="button" title="narrower" onClick={() => props.onResize?.(i, false)}>−</button>
                <button type="button" title="wider" onClick={() => props.onResize?.(i, true)}>+</button>
                <button type="button" title="remove" onClick={() => props.onRemove?.(i)} data-testid="panel-remove">✕</button>
              </span>
            ) : null}
          </div>
          <PanelBody panel={panel} range={props.range} tick={props.tick} />
        </section>
      ))}
    </div>
  )
}
