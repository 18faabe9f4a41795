/**
 * One span's bar in the viewed window: coloured by service, red on error, with its events as
 * white markers, its logs as blue markers and its critical-path share as a yellow line.
 */
import type { LogRecord } from '../../api/types.ts'
import type { PathSegment } from '../../lib/critical-path.ts'
import { formatDurationNs } from '../../lib/format.ts'
import { serviceColor } from '../../lib/service-colors.ts'
import type { ModelSpan } from '../../lib/trace-model.ts'
import { barPosition, type Bounds, type ViewWindow } from '../../lib/time-bounds.ts'

const pct = (fraction: number) => `${(fraction * 100).toFixed(4)}%`

/** Duration label: right of the bar, else left of it, else inside it when the bar fills the row. */
function labelStyle(left: number, width: number): Record<string, string> {
  if (left + width < 0.8) return { left: `calc(${pct(left + width)} + 4px)` }
  if (left > 0.2) return { right: `calc(${pct(1 - left)} + 4px)` }
  return { left: `calc(${pct(Math.max(0, left))} + 6px)`, color: '#fff', zIndex: '1' }
}

export function SpanBar({ span, bounds, view, critical, logs }: { span: ModelSpan; bounds: Bounds; view: ViewWindow; critical: readonly PathSegment[] | undefined; logs: readonly LogRecord[] | undefined }) {
  const { left, width } = barPosition(span.startNs, span.durationNs, bounds, view)
  return (
    <>
      <span
        className={`span-bar${span.isError ? ' error' : ''}`}
        data-testid="span-bar"
        style={{ left: pct(left), width: pct(width), background: serviceColor(span.service) }}
      />
      {critical?.map((seg) => {
        const p = barPosition(seg.startNs, seg.endNs - seg.startNs, bounds, view)
        return <span key={String(seg.startNs)} className="crit-seg" data-testid="critical-segment" style={{ left: pct(p.left), width: pct(p.width) }} />
      })}
      {span.raw.events.map((event, i) => {
        const p = barPosition(BigInt(event.timeUnixNano), 0n, bounds, view)
        return <span key={`e${i}`} className="event-mark" data-testid="event-marker" title={event.name} style={{ left: pct(p.left) }} />
      })}
      {logs?.map((log, i) => {
        const p = barPosition(BigInt(log.timeUnixNano), 0n, bounds, view)
        return <span key={`l${i}`} className="event-mark log" title={log.body.slice(0, 200)} style={{ left: pct(p.left) }} />
      })}
      <span className="span-bar-label" style={labelStyle(left, width)}>
        {formatDurationNs(span.durationNs)}
      </span>
    </>
  )
}
