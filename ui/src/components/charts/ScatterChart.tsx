'use client'
/** Duration over time of trace search results; errors red; a click opens the trace. */
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart as RScatter, Tooltip, XAxis, YAxis } from 'recharts'
import { formatClockMs, formatMs, formatTimeMs } from '../../lib/format.ts'
import { ERROR_COLOR } from '../../lib/service-colors.ts'

export interface ScatterPoint {
  t: number
  durationMs: number
  id: string
  error: boolean
  label: string
}

export function DurationScatter({ points, onOpen }: { points: readonly ScatterPoint[]; onOpen: (id: string) => void }) {
  const ok = points.filter((p) => !p.error)
  const bad = points.filter((p) => p.error)
  return (
    <div data-testid="duration-scatter" style={{ width: '100%', height: 200 }}>
      <ResponsiveContainer width="100%" height="100%">
        <RScatter margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#232833" />
          <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={(t: number) => formatClockMs(t)} stroke="#8b93a3" fontSize={11} name="time" />
          <YAxis dataKey="durationMs" type="number" tickFormatter={(v: number) => formatMs(v)} stroke="#8b93a3" fontSize={11} width={56} name="duration" />
          <Tooltip
            contentStyle={{ background: '#161a21', border: '1px solid #2a303b', fontSize: 12 }}
            formatter={(value, name) => (name === 'time' ? `${formatTimeMs(Number(value))}` : formatMs(Number(value)))}
          />
          <Scatter data={ok as ScatterPoint[]} fill="#5aa9ff" isAnimationActive={false} onClick={(p) => onOpen((p as unknown as { payload: ScatterPoint }).payload.id)} style={{ cursor: 'pointer' }} />
          <Scatter data={bad as ScatterPoint[]} fill={ERROR_COLOR} isAnimationActive={false} onClick={(p) => onOpen((p as unknown as { payload: ScatterPoint }).payload.id)} style={{ cursor: 'pointer' }} />
        </RScatter>
      </ResponsiveContainer>
    </div>
  )
}
