/** One row of the waterfall: the indented, collapsible name and the span's bar. */
import type { LogRecord } from '../../api/types.ts'
import type { PathSegment } from '../../lib/critical-path.ts'
import { serviceColor } from '../../lib/service-colors.ts'
import type { TreeRow } from '../../lib/span-tree.ts'
import type { Tick } from '../../lib/ticks.ts'
import type { ModelSpan } from '../../lib/trace-model.ts'
import type { Bounds, ViewWindow } from '../../lib/time-bounds.ts'
import { SpanBar } from './SpanBar.tsx'
import { GridLines } from './Ticks.tsx'

const INDENT_PX = 14

export function SpanRow(props: {
  row: TreeRow<ModelSpan>
  collapsed: boolean
  selected: boolean
  bounds: Bounds
  view: ViewWindow
  ticks: readonly Tick[]
  critical: readonly PathSegment[] | undefined
  logs: readonly LogRecord[] | undefined
  onToggle: (spanId: string) => void
  onSelect: (spanId: string) => void
}) {
  const { row, collapsed } = props
  const span = row.span
  return (
    <div
      className={`span-row${props.selected ? ' selected' : ''}`}
      data-testid="span-row"
      data-span-id={span.spanId}
      data-depth={row.depth}
      onClick={() => props.onSelect(span.spanId)}
    >
      <div className="span-name" style={{ paddingLeft: row.depth * INDENT_PX }}>
        {row.childCount > 0 ? (
          <button
            type="button"
            className="toggle"
            data-testid="span-toggle"
            aria-label={collapsed ? 'expand' : 'collapse'}
            aria-expanded={!collapsed}
            onClick={(e) => {
              e.stopPropagation()
              props.onToggle(span.spanId)
            }}
          >
            {collapsed ? '▸' : '▾'}
          </button>
        ) : (
          <span className="toggle" />
        )}
        <span className="svc" style={{ background: serviceColor(span.service) }} />
        {span.isError ? <span className="err-dot" title="error">!</span> : null}
        <span className="label" title={`${span.service} ${span.name}`}>
          <span className="service">{span.service}</span>
          <span data-testid="span-name">{span.name}</span>
        </span>
        {collapsed ? <span className="log-count">+{row.childCount}</span> : null}
        {props.logs?.length ? <span className="log-count">✉{props.logs.length}</span> : null}
      </div>
      <div className="span-timeline">
        <GridLines ticks={props.ticks} />
        <SpanBar span={span} bounds={props.bounds} view={props.view} critical={props.critical} logs={props.logs} />
      </div>
    </div>
  )
}
