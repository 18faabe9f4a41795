/** Trace summary line: root, start, duration, span/error counts, service legend, toggles. */
import type { ReactNode } from 'react'
import { formatDurationNs, formatTimeNs } from '../../lib/format.ts'
import { serviceColor } from '../../lib/service-colors.ts'
import type { TraceModel } from '../../lib/trace-model.ts'

export function TraceHeader({ model, children }: { model: TraceModel; children: ReactNode }) {
  const root = model.rows[0]?.span
  return (
    <>
      <h1 data-testid="trace-title">
        {root ? (
          <>
            <span className="muted">{root.service}</span> {root.name}
          </>
        ) : (
          'Trace'
        )}{' '}
        <span className="muted mono" style={{ fontSize: 12 }}>
          {model.traceId}
        </span>
      </h1>
      <div className="trace-header">
        <span className="stat">
          Start <b>{root ? formatTimeNs(root.raw.startTimeUnixNano) : '–'}</b> UTC
        </span>
        <span className="stat">
          Duration <b>{formatDurationNs(model.bounds.endNs - model.bounds.startNs)}</b>
        </span>
        <span className="stat" data-testid="trace-span-count">
          Spans <b>{model.spans.length}</b>
        </span>
        <span className="stat">
          Errors <b className={model.errorCount ? 'bad' : undefined}>{model.errorCount}</b>
        </span>
        <span className="legend">
          {model.services.map((s) => (
            <span key={s}>
              <span className="swatch" style={{ background: serviceColor(s) }} />
              {s}
            </span>
          ))}
        </span>
        <span className="row" style={{ marginLeft: 'auto' }}>
          {children}
        </span>
      </div>
    </>
  )
}
