'use client'
import { useRouter } from 'next/navigation'
import { apiPath } from '../../api/client.ts'
import type { OperationsResponse, SignalsResponse } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { serviceColor } from '../../lib/service-colors.ts'
import { chooseStepMs, stepParam } from '../../lib/step.ts'
import { bucketRange } from '../../lib/time-range.ts'
import { timeQuery, useTimeRange } from '../../lib/use-time-range.ts'
import { Guard } from '../layout/StateViews.tsx'
import { OperationsTable } from './OperationsTable.tsx'
import { SaturationStrip } from './SaturationStrip.tsx'
import { ServiceCharts } from './ServiceCharts.tsx'

export function ServicePage({ name }: { name: string }) {
  const router = useRouter()
  const { spec, refresh, range, tick } = useTimeRange()
  const stepMs = chooseStepMs(range.toMs - range.fromMs, 60)
  const base = `/services/${encodeURIComponent(name)}`
  const signals = useApi<SignalsResponse>(apiPath(`${base}/signals`, { from: range.fromMs, to: range.toMs, step: stepParam(stepMs) }), tick)
  const operations = useApi<OperationsResponse>(apiPath(`${base}/operations`, { from: range.fromMs, to: range.toMs }), tick)
  const query = timeQuery(spec, refresh)
  const domainMs: [number, number] = [range.fromMs, range.toMs]
  const step = signals.data?.stepMs ?? stepMs
  const openBucket = (tMs: number, errorsOnly: boolean) => {
    const bucket = bucketRange(tMs, step)
    const p = new URLSearchParams({ service: name, from: bucket.from, to: bucket.to })
    if (errorsOnly) p.set('status', 'error')
    router.push(`/traces?${p.toString()}`)
  }
  return (
    <div data-testid="page-service">
      <h1>
        <span className="swatch" style={{ background: serviceColor(name) }} />
        {name}{' '}
        <a className="muted" style={{ fontSize: 12, fontWeight: 400 }} href={`/traces?${new URLSearchParams({ service: name, ...spec }).toString()}`}>
          traces →
        </a>{' '}
        <a className="muted" style={{ fontSize: 12, fontWeight: 400 }} href={`/logs?${new URLSearchParams({ service: name, ...spec }).toString()}`}>
          logs →
        </a>
      </h1>
      <Guard state={signals} what="golden signals" isEmpty={(d) => d.points.length === 0} empty="No requests to this service in this time range.">
        {(data) => (
          <>
            <ServiceCharts points={data.points} color={serviceColor(name)} onBucket={openBucket} domainMs={domainMs} />
            <h2>Saturation and utilisation</h2>
            <SaturationStrip utilization={data.utilization} saturation={data.saturation} hosts={data.hosts} pods={data.pods} domainMs={domainMs} />
          </>
        )}
      </Guard>
      <h2>Operations</h2>
      <Guard state={operations} what="operations" isEmpty={(d) => d.operations.length === 0}>
        {(data) => <OperationsTable operations={data.operations} tracesHref={(op) => `/traces?${new URLSearchParams({ service: name, operation: op }).toString()}&${query}`} />}
      </Guard>
    </div>
  )
}
