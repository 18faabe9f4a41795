'use client'
/** One trace: header, minimap, waterfall and the selected span's details. */
import { useMemo, useState } from 'react'
import { apiPath } from '../../api/client.ts'
import type { TraceResponse } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { FULL_VIEW, type ViewWindow } from '../../lib/time-bounds.ts'
import { isTraceId } from '../../lib/trace-href.ts'
import { traceModel } from '../../lib/trace-model.ts'
import { Empty, Guard } from '../layout/StateViews.tsx'
import { Minimap } from './Minimap.tsx'
import { SpanDetail } from './SpanDetail.tsx'
import { TraceHeader } from './TraceHeader.tsx'
import { Waterfall } from './Waterfall.tsx'

export function TraceView({ traceId, initialSpanId }: { traceId: string; initialSpanId: string | null }) {
  const state = useApi<TraceResponse>(isTraceId(traceId) ? apiPath(`/traces/${traceId}`) : null)
  if (!isTraceId(traceId)) return <Empty>Not a trace id: a trace id is 32 hex characters, not all zero.</Empty>
  return (
    <div data-testid="page-trace">
      <Guard state={state} what="the trace" isEmpty={(d) => d.spans.length === 0} empty="This trace has no spans.">
        {(data) => <LoadedTrace trace={data} initialSpanId={initialSpanId} />}
      </Guard>
    </div>
  )
}

function LoadedTrace({ trace, initialSpanId }: { trace: TraceResponse; initialSpanId: string | null }) {
  const model = useMemo(() => traceModel(trace), [trace])
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set())
  const [selected, setSelected] = useState<string | null>(initialSpanId)
  const [view, setView] = useState<ViewWindow>(FULL_VIEW)
  const [showLogs, setShowLogs] = useState(true)
  const [showCritical, setShowCritical] = useState(true)
  const selectedSpan = selected ? model.spans.find((s) => s.spanId === selected) : undefined
  const toggle = (spanId: string) =>
    setCollapsed((prev) => {
      const next = new Set(prev)
      if (next.has(spanId)) next.delete(spanId)
      else next.add(spanId)
      return next
    })
  return (
    <>
      <TraceHeader model={model}>
        <label>
          <input type="checkbox" checked={showCritical} onChange={(e) => setShowCritical(e.target.checked)} data-testid="toggle-critical" /> critical path
        </label>
        <label>
          <input type="checkbox" checked={showLogs} onChange={(e) => setShowLogs(e.target.checked)} data-testid="toggle-logs" /> logs inline ({trace.logs.length})
        </label>
        <button type="button" onClick={() => setCollapsed(new Set())}>
          Expand all
        </button>
        <button type="button" onClick={() => setCollapsed(new Set(model.rows.filter((r) => r.depth === 1 && r.childCount > 0).map((r) => r.span.spanId)))}>
          Collapse children
        </button>
        {view.start !== 0 || view.end !== 1 ? (
          <button type="button" onClick={() => setView(FULL_VIEW)} data-testid="reset-zoom">
            Reset zoom
          </button>
        ) : null}
      </TraceHeader>
      {trace.truncated ? <div className="warn" style={{ marginBottom: 6 }}>This trace has more spans than the query API returns; the earliest are shown.</div> : null}
      <Minimap rows={model.rows} bounds={model.bounds} view={view} onView={setView} />
      <div className={`trace-layout${selectedSpan ? '' : ' no-detail'}`}>
        <Waterfall model={model} view={view} collapsed={collapsed} selected={selected} showLogs={showLogs} showCritical={showCritical} onToggle={toggle} onSelect={setSelected} focusSpanId={initialSpanId} />
        {selectedSpan ? <SpanDetail span={selectedSpan} traceStartNs={model.bounds.startNs} logs={model.logsBySpan.get(selectedSpan.spanId) ?? []} onClose={() => setSelected(null)} /> : null}
      </div>
      {model.unattachedLogs.length ? (
        <div className="muted" style={{ marginTop: 6 }}>
          {model.unattachedLogs.length} log line(s) of this trace belong to no span shown here.
        </div>
      ) : null}
    </>
  )
}
