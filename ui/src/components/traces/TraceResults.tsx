'use client'
import Link from 'next/link'
import type { TraceSummary } from '../../api/types.ts'
import { formatDurationNs, formatTimeMs } from '../../lib/format.ts'
import { serviceColor } from '../../lib/service-colors.ts'
import { traceHref } from '../../lib/trace-href.ts'

export function TraceResults({ traces }: { traces: readonly TraceSummary[] }) {
  return (
    <table className="data" data-testid="trace-results">
      <thead>
        <tr>
          <th>Start (UTC)</th>
          <th>Root</th>
          <th className="num">Duration</th>
          <th className="num">Spans</th>
          <th className="num">Errors</th>
          <th>Services</th>
          <th>Trace</th>
        </tr>
      </thead>
      <tbody>
        {traces.map((t) => {
          const href = traceHref(t.traceId)
          return (
            <tr key={t.traceId} data-testid="trace-result" data-trace-id={t.traceId}>
              <td className="mono">{formatTimeMs(Number(BigInt(t.startTimeUnixNano) / 1_000_000n))}</td>
              <td>
                <span className="swatch" style={{ background: serviceColor(t.rootService || '?') }} />
                <span className="muted">{t.rootService || '(root missing)'}</span> {t.rootName}
              </td>
              <td className="num">{formatDurationNs(BigInt(t.durationNs))}</td>
              <td className="num">{t.spanCount}</td>
              <td className={`num ${t.errorCount > 0 ? 'bad' : ''}`}>{t.errorCount}</td>
              <td>
                {t.services.map((s) => (
                  <span key={s} className="swatch" title={s} style={{ background: serviceColor(s) }} />
                ))}
              </td>
              <td className="mono">
                {href ? (
                  <Link href={href} data-testid="trace-link">
                    {t.traceId.slice(0, 16)}…
                  </Link>
                ) : (
                  t.traceId
                )}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
