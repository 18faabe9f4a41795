'use client'
/** A tiny trend line for table cells (SVG polyline, no axes). */

export function Sparkline({ values, color = '#5aa9ff', width = 90, height = 20, testid }: { values: readonly (number | null)[]; color?: string; width?: number; height?: number; testid?: string }) {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v))
  if (finite.length < 2) return <svg width={width} height={height} data-testid={testid} />
  const max = Math.max(...finite)
  const min = Math.min(0, ...finite)
  const span = max - min || 1
  const step = width / (values.length - 1)
  const points: string[] = []
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) return
    points.push(`${(i * step).toFixed(1)},${(height - 1 - ((v - min) / span) * (height - 2)).toFixed(1)}`)
  })
  return (
    <svg width={width} height={height} data-testid={testid} aria-hidden="true">
      <polyline points={points.join(' ')} fill="none" stroke={color} strokeWidth={1.2} />
    </svg>
  )
}
