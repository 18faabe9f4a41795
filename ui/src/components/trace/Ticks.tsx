/** The time axis over the waterfall: offsets from the trace start at nice steps. */
import type { Tick } from '../../lib/ticks.ts'

export function Ticks({ ticks }: { ticks: readonly Tick[] }) {
  return (
    <div className="ticks" data-testid="ticks">
      {ticks.map((t) => (
        // a label near the right edge hangs left of its tick so it is not cut off
        <span key={t.offsetNs} className={`tick${t.fraction > 0.92 ? ' end' : ''}`} style={{ left: `${(t.fraction * 100).toFixed(3)}%` }}>
          {t.label}
        </span>
      ))}
    </div>
  )
}

/** Vertical grid lines in a row's timeline at the tick positions. */
export function GridLines({ ticks }: { ticks: readonly Tick[] }) {
  return (
    <>
      {ticks.map((t) => (
        <span key={t.offsetNs} className="gridline" style={{ left: `${(t.fraction * 100).toFixed(3)}%` }} />
      ))}
    </>
  )
}
