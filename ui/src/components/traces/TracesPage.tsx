'use client'
import { useRouter, useSearchParams } from 'next/navigation'
import { apiPath } from '../../api/client.ts'
import type { ServicesResponse, TracesResponse } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { traceHref } from '../../lib/trace-href.ts'
import { useTimeRange } from '../../lib/use-time-range.ts'
import { DurationScatter } from '../charts/ScatterChart.tsx'
import { Guard } from '../layout/StateViews.tsx'
import { TraceResults } from './TraceResults.tsx'
import { TraceSearchForm } from './TraceSearchForm.tsx'
import { searchFromParams, searchParams, type TraceSearch } from './trace-query.ts'

export function TracesPage() {
  const router = useRouter()
  const params = useSearchParams()
  const { spec, refresh, range, tick } = useTimeRange()
  const search = searchFromParams(params)
  const services = useApi<ServicesResponse>(apiPath('/services', { from: range.fromMs, to: range.toMs }), 0)
  const traces = useApi<TracesResponse>(apiPath('/traces', { ...searchParams(search), from: range.fromMs, to: range.toMs, limit: 100 }), tick)
  const onSearch = (next: TraceSearch) => {
    const p = new URLSearchParams({ from: spec.from, to: spec.to, ...searchParams(next) })
    if (refresh !== 'off') p.set('refresh', refresh)
    router.push(`/traces?${p.toString()}`)
  }
  return (
    <div data-testid="page-traces">
      <h1>Traces</h1>
      <TraceSearchForm key={params.toString()} initial={search} services={services.data?.services.map((s) => s.name) ?? []} onSearch={onSearch} />
      <Guard state={traces} what="traces" isEmpty={(d) => d.traces.length === 0} empty="No trace matches this search in this time range.">
        {(data) => (
          <>
            <div className="panel" style={{ marginBottom: 10 }}>
              <div className="chart-title">
                <span>Duration over time ({data.traces.length} traces{data.nextCursor ? ', more available' : ''})</span>
              </div>
              <DurationScatter
                points={data.traces.map((t) => ({
                  t: Number(BigInt(t.startTimeUnixNano) / 1_000_000n),
                  durationMs: Number(BigInt(t.durationNs)) / 1e6,
                  id: t.traceId,
                  error: t.errorCount > 0,
                  label: `${t.rootService} ${t.rootName}`,
                }))}
                onOpen={(id) => {
                  const href = traceHref(id)
                  if (href) router.push(href)
                }}
              />
            </div>
            <TraceResults traces={data.traces} />
          </>
        )}
      </Guard>
    </div>
  )
}
