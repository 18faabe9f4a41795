'use client'
/**
 * A line chart over time (recharts). Series are keys of the points; clicking a point reports
 * its bucket start (unix ms) so a page can open the traces of that bucket.
 */
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { formatClockMs, formatTimeMs } from '../../lib/format.ts'

export interface SeriesSpec {
  key: string
  label: string
  color: string
  dashed?: boolean
  /** show missing buckets as gaps; by default a line joins the buckets that have a value
   * (a quiet service or a once-a-minute gauge would otherwise be isolated, invisible points) */
  gaps?: boolean
}

export function TimeSeriesChart(props: {
  data: readonly Record<string, number | null>[]
  series: readonly SeriesSpec[]
  format: (value: number) => string
  height?: number
  onPointClick?: (tMs: number) => void
  testid?: string
  domainMs?: [number, number]
  yDomain?: [number | 'auto', number | 'auto']
}) {
  return (
    <div data-testid={props.testid} style={{ width: '100%', height: props.height ?? 180 }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart
          data={props.data as Record<string, number | null>[]}
          margin={{ top: 4, right: 12, bottom: 0, left: 0 }}
          onClick={(state) => {
            if (props.onPointClick && typeof state.activeLabel === 'number') props.onPointClick(state.activeLabel)
          }}
          style={props.onPointClick ? { cursor: 'pointer' } : undefined}
        >
          <CartesianGrid stroke="#232833" vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={props.domainMs ?? ['dataMin', 'dataMax']}
            tickFormatter={(t: number) => formatClockMs(t).slice(0, 5)}
            stroke="#8b93a3"
            fontSize={11}
            minTickGap={40}
          />
          <YAxis tickFormatter={(v: number) => props.format(v)} stroke="#8b93a3" fontSize={11} width={56} domain={props.yDomain ?? [0, 'auto']} />
          <Tooltip
            contentStyle={{ background: '#161a21', border: '1px solid #2a303b', fontSize: 12 }}
            labelFormatter={(t) => `${formatTimeMs(Number(t))} UTC`}
            formatter={(value) => (typeof value === 'number' ? props.format(value) : '–')}
          />
          {props.series.length > 1 ? <Legend wrapperStyle={{ fontSize: 11 }} /> : null}
          {props.series.map((s) => (
            <Line
              key={s.key}
              dataKey={s.key}
              name={s.label}
              stroke={s.color}
              strokeDasharray={s.dashed ? '4 3' : undefined}
              dot={false}
              strokeWidth={1.5}
              isAnimationActive={false}
              connectNulls={!s.gaps}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  )
}
