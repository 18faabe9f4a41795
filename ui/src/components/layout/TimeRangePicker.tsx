'use client'
/**
 * Time range picker: presets, custom from/to (relative like now-2h, or RFC 3339), and the
 * auto-refresh interval. Everything lives in the URL, so a copied link shows the same range.
 */
import { useState } from 'react'
import { formatTimeMs } from '../../lib/format.ts'
import { PRESETS, REFRESH_OPTIONS, rangeLabel, resolveInstant } from '../../lib/time-range.ts'
import { useTimeRange } from '../../lib/use-time-range.ts'

function toInput(value: string): string {
  return /^\d{10,16}$/.test(value) ? new Date(Number(value)).toISOString() : value
}

export function TimeRangePicker() {
  const { spec, range, refresh, setSpec, setRefresh, reload } = useTimeRange()
  const [open, setOpen] = useState(false)
  const [from, setFrom] = useState(toInput(spec.from))
  const [to, setTo] = useState(toInput(spec.to))
  const now = Date.now()
  const valid = resolveInstant(from, now) !== null && resolveInstant(to, now) !== null
  return (
    <div className="picker" data-testid="time-range-picker">
      <button
        type="button"
        data-testid="time-range-button"
        title={`${formatTimeMs(range.fromMs)} → ${formatTimeMs(range.toMs)} UTC`}
        onClick={() => {
          setFrom(toInput(spec.from))
          setTo(toInput(spec.to))
          setOpen(!open)
        }}
      >
        {rangeLabel(spec)} ▾
      </button>
      <button type="button" title="Reload now" data-testid="reload" onClick={reload}>
        ↻
      </button>
      <select aria-label="Auto-refresh" data-testid="refresh-select" value={refresh} onChange={(e) => setRefresh(e.target.value)}>
        {REFRESH_OPTIONS.map((r) => (
          <option key={r} value={r}>
            {r === 'off' ? 'Auto-refresh off' : `Every ${r}`}
          </option>
        ))}
      </select>
      {open ? (
        <div className="picker-menu" data-testid="time-range-menu">
          {PRESETS.map((p) => (
            <button
              type="button"
              className="preset"
              key={p.from}
              data-testid={`preset-${p.from}`}
              onClick={() => {
                setSpec({ from: p.from, to: 'now' })
                setOpen(false)
              }}
            >
              {p.label}
            </button>
          ))}
          <form
            onSubmit={(e) => {
              e.preventDefault()
              if (!valid) return
              setSpec({ from: from.trim(), to: to.trim() })
              setOpen(false)
            }}
          >
            <label>
              From
              <input value={from} onChange={(e) => setFrom(e.target.value)} placeholder="now-6h or 2026-01-01T00:00:00Z" />
            </label>
            <label>
              To
              <input value={to} onChange={(e) => setTo(e.target.value)} placeholder="now" />
            </label>
            <div className="row" style={{ marginTop: 8 }}>
              <button type="submit" className="primary" disabled={!valid}>
                Apply
              </button>
              {!valid ? <span className="error-text">use now, now-15m or RFC 3339</span> : null}
            </div>
          </form>
        </div>
      ) : null}
    </div>
  )
}
