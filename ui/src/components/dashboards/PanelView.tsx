'use client'
/**
 * One panel of a board, drawn from the query API route its query names, over the board's
 * time range: metrics and golden signals as time series, logs as counts by severity, services,
 * operations and traces as tables, text as plain text (never as HTML).
 */
import Link from 'next/link'
import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { apiPath } from '../../api/client.ts'
import type { LogsResponse, MetricQueryResponse, OperationsResponse, Panel, ServicesResponse, SignalsResponse, TracesResponse } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { formatCount, formatDurationNs, formatMs, formatPercent, formatRate } from '../../lib/format.ts'
import { serviceColor, SERIES_PALETTE } from '../../lib/service-colors.ts'
import { severityLevel } from '../../lib/severity.ts'
import { chooseStepMs, stepParam } from '../../lib/step.ts'
import { traceHref } from '../../lib/trace-href.ts'
import { TimeSeriesChart } from '../charts/TimeSeriesChart.tsx'
import { Guard } from '../layout/StateViews.tsx'

type Range = { fromMs: number; toMs: number }

const LOG_SAMPLE = 1000

function MetricPanel({ query, range, tick, unit }: { query: Extract<Panel['query'], { source: 'metrics' }>; range: Range; tick: number; unit?: string }) {
  const params: Record<string, string | number> = { name: query.name, from: range.fromMs, to: range.toMs, step: stepParam(chooseStepMs(range.toMs - range.fromMs, 60)) }
  if (query.aggregation) params.aggregation = query.aggregation
  if (query.groupBy?.length) params.groupBy = query.groupBy.join(',')
  for (const [k, v] of Object.entries(query.labels ?? {})) params[`label.${k}`] = v
  const state = useApi<MetricQueryResponse>(apiPath('/metrics/query', params), tick)
  return (
    <Guard state={state} what={`metric ${query.name}`} isEmpty={(d) => d.series.length === 0} empty={`No points of ${query.name} in this range.`}>
      {(data) => {
        const rows = new Map<number, Record<string, number | null>>()
        const series = data.series.slice(0, 12).map((s, i) => {
          const key = `s${i}`
          for (const p of s.points) {
            const row = rows.get(p.t) ?? { t: p.t }
            row[key] = p.value
            rows.set(p.t, row)
          }
          const label = Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(' ') || data.name
          return { key, label, color: SERIES_PALETTE[i % SERIES_PALETTE.length]! }
        })
        const fmt = unit === 'bytes' || data.unit === 'By' ? (v: number) => `${formatCount(v)}B` : formatCount
        return <TimeSeriesChart data={[...rows.values()].sort((a, b) => (a.t ?? 0) - (b.t ?? 0))} series={series} format={fmt} height={170} domainMs={[range.fromMs, range.toMs]} />
      }}
    </Guard>
  )
}

const SIGNAL_FORMAT: Record<string, (v: number) => string> = { rps: formatRate, errorRate: (v) => formatPercent(v, 1) }

function SignalsPanel({ query, range, tick }: { query: Extract<Panel['query'], { source: 'signals' }>; range: Range; tick: number }) {
  const state = useApi<SignalsResponse>(
    apiPath(`/services/${encodeURIComponent(query.service)}/signals`, { from: range.fromMs, to: range.toMs, operation: query.operation, step: stepParam(chooseStepMs(range.toMs - range.fromMs, 60)) }),
    tick,
  )
  const keys = query.signals.filter((s) => s !== 'saturation' && s !== 'utilization')
  return (
    <Guard state={state} what={`signals of ${query.service}`} isEmpty={(d) => d.points.length === 0}>
      {(data) => (
        <TimeSeriesChart
          data={data.points.map((p) => ({ t: p.t, rps: p.rps, errorRate: p.errorRate, p50Ms: p.p50Ms, p90Ms: p.p90Ms ?? null, p95Ms: p.p95Ms, p99Ms: p.p99Ms, maxMs: p.maxMs ?? null }))}
          series={keys.map((k, i) => ({ key: k, label: k, color: i === 0 ? serviceColor(query.service) : SERIES_PALETTE[(i + 3) % SERIES_PALETTE.length]! }))}
          format={SIGNAL_FORMAT[keys[0] ?? ''] ?? formatMs}
          height={170}
          domainMs={[range.fromMs, range.toMs]}
        />
      )}
    </Guard>
  )
}

const LEVEL_COLORS: Record<string, string> = { trace: '#6b7280', debug: '#8b93a3', info: '#5aa9ff', warn: '#f5a524', error: '#e5484d', fatal: '#b4232a' }

function LogCountPanel({ query, range, tick }: { query: Extract<Panel['query'], { source: 'logs' }>; range: Range; tick: number }) {
  const state = useApi<LogsResponse>(apiPath('/logs', { q: query.q, service: query.service, severity: query.severity, from: range.fromMs, to: range.toMs, limit: LOG_SAMPLE }), tick)
  return (
    <Guard state={state} what="logs" isEmpty={(d) => d.logs.length === 0}>
      {(data) => {
        const counts: Record<string, number> = { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0 }
        for (const log of data.logs) counts[severityLevel(log.severityText, log.severityNumber)]!++
        const rows = Object.entries(counts).map(([level, count]) => ({ level, count }))
        return (
          <>
            <div style={{ width: '100%', height: 150 }} data-testid="log-count-chart">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={rows}>
                  <XAxis dataKey="level" stroke="#8b93a3" fontSize={11} />
                  <YAxis stroke="#8b93a3" fontSize={11} width={40} allowDecimals={false} />
                  <Tooltip contentStyle={{ background: '#161a21', border: '1px solid #2a303b', fontSize: 12 }} />
                  <Bar dataKey="count" isAnimationActive={false} fill="#5aa9ff" shape={(props: unknown) => {
                    const p = props as { x: number; y: number; width: number; height: number; payload: { level: string } }
                    return <rect x={p.x} y={p.y} width={p.width} height={p.height} fill={LEVEL_COLORS[p.payload.level]} />
                  }} />
                </BarChart>
              </ResponsiveContainer>
            </div>
            <div className="muted" style={{ fontSize: 11 }}>
              {data.nextCursor ? `counted over the newest ${LOG_SAMPLE} lines of the range` : `${data.logs.length} lines in the range`}
            </div>
          </>
        )
      }}
    </Guard>
  )
}

function ServicesPanel({ range, tick }: { range: Range; tick: number }) {
  const state = useApi<ServicesResponse>(apiPath('/services', { from: range.fromMs, to: range.toMs }), tick)
  return (
    <Guard state={state} what="services" isEmpty={(d) => d.services.length === 0}>
      {(data) => (
        <table className="data">
          <thead><tr><th>Service</th><th className="num">Req/s</th><th className="num">Errors</th><th className="num">p99</th></tr></thead>
          <tbody>
            {data.services.map((s) => (
              <tr key={s.name}><td><span className="swatch" style={{ background: serviceColor(s.name) }} />{s.name}</td><td className="num">{formatRate(s.rps)}</td><td className="num">{formatPercent(s.errorRate)}</td><td className="num">{formatMs(s.latencyMs.p99)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </Guard>
  )
}

function OperationsPanel({ query, range, tick }: { query: Extract<Panel['query'], { source: 'operations' }>; range: Range; tick: number }) {
  const state = useApi<OperationsResponse>(apiPath(`/services/${encodeURIComponent(query.service)}/operations`, { from: range.fromMs, to: range.toMs }), tick)
  return (
    <Guard state={state} what="operations" isEmpty={(d) => d.operations.length === 0}>
      {(data) => (
        <table className="data">
          <thead><tr><th>Operation</th><th className="num">Req/s</th><th className="num">Errors</th><th className="num">p99</th></tr></thead>
          <tbody>
            {data.operations.map((o) => (
              <tr key={o.name}><td>{o.name}</td><td className="num">{formatRate(o.rps)}</td><td className="num">{formatPercent(o.errorRate)}</td><td className="num">{formatMs(o.p99Ms)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </Guard>
  )
}

function TracesPanel({ query, range, tick }: { query: Extract<Panel['query'], { source: 'traces' }>; range: Range; tick: number }) {
  const state = useApi<TracesResponse>(apiPath('/traces', { ...query, source: undefined, from: range.fromMs, to: range.toMs, limit: 20 }), tick)
  return (
    <Guard state={state} what="traces" isEmpty={(d) => d.traces.length === 0}>
      {(data) => (
        <table className="data">
          <tbody>
            {data.traces.map((t) => {
              const href = traceHref(t.traceId)
              const root = <>{t.rootService} {t.rootName}</>
              return (
                <tr key={t.traceId}><td>{href ? <Link href={href}>{root}</Link> : root}</td><td className="num">{formatDurationNs(BigInt(t.durationNs))}</td><td className={`num ${t.errorCount ? 'bad' : ''}`}>{t.errorCount}</td></tr>
              )
            })}
          </tbody>
        </table>
      )}
    </Guard>
  )
}

export function PanelBody({ panel, range, tick }: { panel: Panel; range: Range; tick: number }) {
  const q = panel.query
  switch (q.source) {
    case 'metrics': return <MetricPanel query={q} range={range} tick={tick} unit={panel.unit} />
    case 'signals': return <SignalsPanel query={q} range={range} tick={tick} />
    case 'logs': return <LogCountPanel query={q} range={range} tick={tick} />
    case 'services': return <ServicesPanel range={range} tick={tick} />
    case 'operations': return <OperationsPanel query={q} range={range} tick={tick} />
    case 'traces': return <TracesPanel query={q} range={range} tick={tick} />
    case 'text': return <div style={{ whiteSpace: 'pre-wrap' }}>{q.markdown}</div>
  }
}
